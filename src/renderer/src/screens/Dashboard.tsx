import { useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useLocation } from 'wouter';
import { formatDistanceToNowStrict } from 'date-fns';
import { useConsultationPages, useCounts, useIndustries } from '../api/queries';
import type { ListQuery, SortKey } from '@shared/consultation/model';
import { URGENCY_LEVELS } from '@shared/consultation/fields';
import { STATUS_LABELS, STATUSES, type Status } from '@shared/consultation/status';
import { useUrlState } from '../hooks/useUrlState';
import { URGENCY_LABELS } from '../app/labels';
import { SEARCH_DEBOUNCE_MS } from '@shared/uiTimings';
import { ErrorNotice } from '../components/ErrorNotice';
import { useApi } from '../api/ApiContext';
import { rowsOfPages } from '../api/listPages';
import { ExportButton } from '../components/ExportButton';

const SORTS: { value: `${SortKey}:${'asc' | 'desc'}`; label: string }[] = [
  { value: 'updated:desc', label: 'Recently updated' },
  { value: 'created:desc', label: 'Newest first' },
  { value: 'created:asc', label: 'Oldest first' },
  { value: 'business_name:asc', label: 'Business name A–Z' },
  { value: 'business_name:desc', label: 'Business name Z–A' },
  { value: 'completion:desc', label: 'Most complete' },
  { value: 'completion:asc', label: 'Least complete' },
];

// Room for three lines in the first cell (a long name and its "Unsaved changes" badge) at 900 px.
const ROW_HEIGHT = 64;

export function Dashboard({ onNew }: { onNew: () => void }) {
  const [, navigate] = useLocation();
  // Search, filters and sort live in the address, so a reload shows the same list.
  const [text, setText] = useUrlState<string>('q', '');
  const [search, setSearch] = useState(text.trim());
  const [status, setStatus] = useUrlState<Status | ''>('status', '', STATUSES);
  const [industry, setIndustry] = useUrlState<string>('industry', '');
  const [urgency, setUrgency] = useUrlState<string>('urgency', '', URGENCY_LEVELS);
  // A client's visits: with this on, only each client's latest visit is listed (earlier ones stay a click away).
  const [latestOnly, setLatestOnly] = useUrlState<'' | '1'>('latest', '', ['', '1']);
  const [sort, setSort] = useUrlState<(typeof SORTS)[number]['value']>(
    'sort',
    'updated:desc',
    SORTS.map((s) => s.value),
  );
  const api = useApi();
  const [exportError, setExportError] = useState<unknown>(null);

  useEffect(() => {
    const timer = setTimeout(() => setSearch(text.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const [sortKey, direction] = sort.split(':') as [SortKey, 'asc' | 'desc'];
  const query: ListQuery = {
    sort: sortKey,
    direction,
    limit: 100,
    ...(search ? { search } : {}),
    // "Active" (the default) leaves archived consultations out, as archiving promises.
    status: status || 'active',
    ...(industry ? { industry } : {}),
    ...(urgency ? { urgency: urgency as (typeof URGENCY_LEVELS)[number] } : {}),
    ...(latestOnly ? { latestVisits: true } : {}),
  };
  const pages = useConsultationPages(query);
  const counts = useCounts();
  const industries = useIndustries();
  const rows = rowsOfPages(pages.data?.pages);
  const total = counts.data ? counts.data.draft + counts.data.completed + counts.data.archived : null;
  const active = counts.data ? counts.data.draft + counts.data.completed : null;
  const filtered = Boolean(search || status || industry || urgency || latestOnly);

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (lastIndex >= rows.length - 20 && pages.hasNextPage && !pages.isFetchingNextPage) void pages.fetchNextPage();
  }, [lastIndex, rows.length, pages]);

  if (total === 0 && !filtered) {
    return (
      <section className="empty-state" aria-labelledby="empty-title">
        <h1 id="empty-title">Your first consultation</h1>
        <p>Start an intake when you sit down with a client. Everything is saved as you type, with or without a network.</p>
        <button type="button" className="primary" onClick={onNew}>
          New consultation
        </button>
        <p className="muted">Tip: Ctrl+N starts one from anywhere.</p>
      </section>
    );
  }

  return (
    <section className="dashboard" aria-labelledby="dashboard-title">
      <div className="dashboard-head">
        <h1 id="dashboard-title">Consultations</h1>
        <div className="status-tabs" role="group" aria-label="Filter by status">
          <button type="button" aria-pressed={status === ''} onClick={() => setStatus('')}>
            Active <span className="count">{active ?? '…'}</span>
          </button>
          {STATUSES.map((s) => (
            <button type="button" key={s} aria-pressed={status === s} onClick={() => setStatus(s)}>
              {STATUS_LABELS[s]} <span className="count">{counts.data?.[s] ?? '…'}</span>
            </button>
          ))}
        </div>
      </div>
      <div className="filters" role="search">
        <label className="visually-hidden" htmlFor="search">
          Search consultations
        </label>
        <input id="search" type="search" placeholder="Search all fields" value={text} onChange={(e) => setText(e.target.value)} />
        <label className="visually-hidden" htmlFor="filter-industry">
          Industry
        </label>
        <select id="filter-industry" value={industry} onChange={(e) => setIndustry(e.target.value)}>
          <option value="">All industries</option>
          {industries.data?.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <label className="visually-hidden" htmlFor="filter-urgency">
          Urgency
        </label>
        <select id="filter-urgency" value={urgency} onChange={(e) => setUrgency(e.target.value)}>
          <option value="">Any urgency</option>
          {URGENCY_LEVELS.map((level) => (
            <option key={level} value={level}>
              {URGENCY_LABELS[level]}
            </option>
          ))}
        </select>
        <ExportButton
          title="Export the consultations shown, with every field, as a spreadsheet (CSV)"
          onError={setExportError}
          make={() => {
            setExportError(null);
            const { limit: _limit, ...filters } = query;
            return api.call('exports.csv', filters);
          }}
        >
          Export CSV
        </ExportButton>
        <label className="choice">
          <input type="checkbox" checked={latestOnly === '1'} onChange={(e) => setLatestOnly(e.target.checked ? '1' : '')} />
          Latest visit per client
        </label>
        <label className="visually-hidden" htmlFor="sort">
          Sort
        </label>
        <select id="sort" value={sort} onChange={(e) => setSort(e.target.value as typeof sort)}>
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      {pages.isError && <ErrorNotice error={pages.error} onRetry={() => void pages.refetch()} />}
      {exportError !== null && <ErrorNotice error={exportError} />}
      <div className="table" role="table" aria-label="Consultations" aria-rowcount={rows.length + 1} data-testid="consultation-table">
        <div className="row head" role="row" aria-rowindex={1}>
          {['Business', 'Contact', 'Industry', 'Urgency', 'Completion', 'Status', 'Updated'].map((h) => (
            <span role="columnheader" key={h}>
              {h}
            </span>
          ))}
        </div>
        <div className="table-body" ref={scroller}>
          {rows.length === 0 && !pages.isPending && <p className="muted empty-row">No consultations match. Try other words or clear the filters.</p>}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = rows[item.index]!;
              return (
                <div
                  key={row.id}
                  role="row"
                  aria-rowindex={item.index + 2}
                  tabIndex={0}
                  className="row"
                  data-testid="consultation-row"
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                  onClick={() => navigate(`/c/${row.id}/contact`)}
                  onKeyDown={(e) => e.key === 'Enter' && navigate(`/c/${row.id}/contact`)}
                >
                  <span role="cell" className="strong">
                    {row.businessName ?? <span className="muted">Untitled</span>}
                    {row.changedSinceVersion && <span className="badge small">Changed since version {row.currentVersion}</span>}
                    {row.followUpOf && <span className="badge small">Follow-up visit</span>}
                    {row.hasLaterVisit && <span className="badge small">Earlier visit: a later one exists</span>}
                  </span>
                  <span role="cell">{row.contactPerson ?? '—'}</span>
                  <span role="cell">{row.industry ?? '—'}</span>
                  <span role="cell">{row.urgency ? <span className={`badge urgency-${row.urgency}`}>{URGENCY_LABELS[row.urgency]}</span> : '—'}</span>
                  <span role="cell">{row.completionPercentage}%</span>
                  <span role="cell">
                    <span className={`badge status-${row.status}`}>{STATUS_LABELS[row.status]}</span>
                  </span>
                  <span role="cell" title={row.updatedAt}>
                    {formatDistanceToNowStrict(new Date(row.updatedAt))} ago
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}
