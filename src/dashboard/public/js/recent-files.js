// Files uploaded from this tab, by bulk request id, so the request page can show a rejected file's
// offending lines beside their errors without asking the server for the file again. Memory only.
const files = new Map();

export function rememberFile(requestId, file) {
  files.set(Number(requestId), file);
}

export function recentFile(requestId) {
  return files.get(Number(requestId));
}

/** The text of the given 1-based lines of a file (files up to 32 MiB; a larger one is not read). */
export async function fileLines(file, lineNumbers) {
  if (!file || file.size > 32 * 1024 * 1024) return new Map();
  const lines = (await file.text()).split(/\r\n|\n|\r/);
  return new Map(lineNumbers.filter((n) => n >= 1 && n <= lines.length).map((n) => [n, lines[n - 1]]));
}
