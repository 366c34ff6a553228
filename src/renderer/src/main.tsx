import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiContext } from './api/ApiContext';
import { createApi } from './api/client';
import { detectTransport } from './api/transport';
import { App } from './app/App';
import { setDesktopSaving } from './api/files';
import './styles.css';
import { applyTheme, storedTheme } from './app/theme';

applyTheme(storedTheme());

const api = createApi(detectTransport());
// Over IPC (the desktop app) files go through main's save dialog; the preview keeps browser downloads.
setDesktopSaving(api.transportKind === 'ipc' ? api : null);
const queryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: 5_000, retry: false, refetchOnWindowFocus: false },
    mutations: { retry: false },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiContext.Provider value={api}>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </ApiContext.Provider>
  </StrictMode>,
);
