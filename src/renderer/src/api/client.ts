import type { AppError } from '@shared/errors';
import { isEventName, type EventName, type EventPayload, type OperationInput, type OperationName, type OperationOutput } from '@shared/contract';
import type { Transport } from './transport';

/** A failed call, carrying the typed error value from the main process. */
export class ApiError extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = 'ApiError';
  }
  get code() {
    return this.error.code;
  }
  get issues() {
    return this.error.issues ?? [];
  }
}

export interface Api {
  call<K extends OperationName>(operation: K, input: OperationInput<K>): Promise<OperationOutput<K>>;
  callOnUnload<K extends OperationName>(operation: K, input: OperationInput<K>): void;
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
  transportKind: Transport['kind'];
}

export function createApi(transport: Transport): Api {
  return {
    transportKind: transport.kind,
    async call(operation, input) {
      const result = (await transport.invoke(operation, input)) as { ok: boolean; value?: unknown; error?: AppError };
      if (result && result.ok) return result.value as never;
      throw new ApiError(result?.error ?? { code: 'internal', message: 'No answer from Fieldbook.' });
    },
    callOnUnload(operation, input) {
      transport.invokeOnUnload(operation, input);
    },
    on(name, listener) {
      return transport.subscribe((eventName, payload) => {
        if (isEventName(eventName) && eventName === name) listener(payload as never);
      });
    },
  };
}
