import { pathToFileURL } from 'node:url';

/** Which page the window loads and which sender frames may call the contract over IPC. */
export interface RendererSource {
  /** The dev server's URL (development only) or the app's own index.html as a file: URL. */
  url: string;
  /** Set when loading from the dev server; packaged builds never have one. */
  devServer: boolean;
}

/**
 * The dev server is honoured only when the app is not packaged: in a packaged build an environment variable
 * must not be able to point the window (and IPC trust) at another origin.
 */
export function rendererSource(isPackaged: boolean, devServerUrl: string | undefined, indexHtmlPath: string): RendererSource {
  if (!isPackaged && devServerUrl) return { url: new URL(devServerUrl).href, devServer: true };
  return { url: pathToFileURL(indexHtmlPath).href, devServer: false };
}
