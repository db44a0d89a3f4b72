/**
 * Thrown while a body is read when the file as a whole cannot be used (bad gzip data, a decompression bomb):
 * the upload ends `failed` with `error_details.kind` file_rejected and this code, not as interrupted.
 */
export class FileRejected extends Error {
  override readonly name = 'FileRejected';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
