/**
 * Why an upload ended before its items could be processed; kept in `error_details.kind`. Here, below both
 * the uploads room (which writes them) and bulk-request.repository.ts (whose retry refuses them), so
 * neither imports the other.
 */
export type UploadFailureKind = 'file_rejected' | 'upload_interrupted' | 'upload_cancelled';

/** Kinds of failed or cancelled uploads whose items were never all received: a retry has nothing sound to re-run. */
export const UNRETRYABLE_KINDS: ReadonlySet<string> = new Set<UploadFailureKind>(['file_rejected', 'upload_interrupted', 'upload_cancelled']);
