import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ListQuery } from '@shared/consultation/model';
import type { OperationInput, OperationName, OperationOutput } from '@shared/contract';
import { useApi } from './ApiContext';

// Data fetching over the contract, cached by react-query. Keys name the operation they mirror.

export const keys = {
  currentUser: ['users.current'] as const,
  appInfo: ['app.info'] as const,
  consultation: (id: string) => ['consultations.get', id] as const,
  versions: (id: string) => ['consultations.listVersions', id] as const,
  list: (query: ListQuery) => ['consultations.list', query] as const,
  counts: ['consultations.counts'] as const,
  industries: ['consultations.industries'] as const,
};

export function useCurrentUser() {
  const api = useApi();
  return useQuery({ queryKey: keys.currentUser, queryFn: () => api.call('users.current', undefined) });
}

export function useAppInfo() {
  const api = useApi();
  return useQuery({ queryKey: keys.appInfo, queryFn: () => api.call('app.info', undefined), staleTime: Infinity });
}

export function useConsultation(id: string) {
  const api = useApi();
  // Always refetched when a screen opens it: the intake form must start from what is stored now.
  return useQuery({ queryKey: keys.consultation(id), queryFn: () => api.call('consultations.get', { consultationId: id }), refetchOnMount: 'always' });
}

export function useVersions(id: string) {
  const api = useApi();
  return useQuery({ queryKey: keys.versions(id), queryFn: () => api.call('consultations.listVersions', { consultationId: id }) });
}

export function useConsultationPages(query: ListQuery) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: keys.list(query),
    queryFn: ({ pageParam }) => api.call('consultations.list', { ...query, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: (previous) => previous,
  });
}

export function useCounts() {
  const api = useApi();
  return useQuery({ queryKey: keys.counts, queryFn: () => api.call('consultations.counts', undefined) });
}

export function useIndustries() {
  const api = useApi();
  return useQuery({ queryKey: keys.industries, queryFn: () => api.call('consultations.industries', undefined) });
}

/** A mutation over one operation that refreshes the lists and the consultation it touched. */
export function useOperation<K extends OperationName>(operation: K) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation<OperationOutput<K>, Error, OperationInput<K>>({
    mutationFn: (input) => api.call(operation, input),
    onSuccess: (_output, input) => {
      const id = (input as { consultationId?: string } | undefined)?.consultationId;
      if (id) {
        void client.invalidateQueries({ queryKey: keys.consultation(id) });
        void client.invalidateQueries({ queryKey: keys.versions(id) });
      }
      void client.invalidateQueries({ queryKey: ['consultations.list'] });
      void client.invalidateQueries({ queryKey: keys.counts });
      void client.invalidateQueries({ queryKey: keys.industries });
    },
  });
}
