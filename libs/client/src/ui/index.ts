export {
  CONFLICT_DIALOG_TAG,
  conflictDialog,
  DEFAULT_CONFLICT_STRINGS,
  defineConflictDialog,
  type ConflictChoice,
  type ConflictDialogElement,
  type ConflictDialogOptions,
  type ConflictDialogStrings,
} from './conflict-dialog';
