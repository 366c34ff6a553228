// Status moves allowed on a consultation. The seed's three statuses; "unarchive" returns to where the
// consultation was (completed when it has a completed_at, otherwise draft).

export const STATUSES = ['draft', 'completed', 'archived'] as const;
export type Status = (typeof STATUSES)[number];

export const STATUS_ACTIONS = ['complete', 'reopen', 'archive', 'unarchive'] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];

export const STATUS_LABELS: Record<Status, string> = { draft: 'In progress', completed: 'Completed', archived: 'Archived' };

const MOVES: Record<StatusAction, { from: readonly Status[]; verb: string }> = {
  complete: { from: ['draft'], verb: 'completed' },
  reopen: { from: ['completed'], verb: 'reopened' },
  archive: { from: ['draft', 'completed'], verb: 'archived' },
  unarchive: { from: ['archived'], verb: 'unarchived' },
};

export function nextStatus(current: Status, action: StatusAction, wasCompleted: boolean): Status | null {
  if (!MOVES[action].from.includes(current)) return null;
  switch (action) {
    case 'complete':
      return 'completed';
    case 'reopen':
      return 'draft';
    case 'archive':
      return 'archived';
    case 'unarchive':
      return wasCompleted ? 'completed' : 'draft';
  }
}

export function statusMoveRefusal(current: Status, action: StatusAction): string {
  return `A consultation that is ${STATUS_LABELS[current].toLowerCase()} cannot be ${MOVES[action].verb}.`;
}

/** Only consultations in progress take edits: completed ones are reopened first, archived ones unarchived. */
export function isEditable(status: Status): boolean {
  return status === 'draft';
}

export function editRefusal(status: Status): string {
  return status === 'archived' ? 'This consultation is archived. Unarchive it to make changes.' : 'This consultation is completed. Reopen it to make changes.';
}
