import { CliError } from '../context.js';
import { actingOn } from '../print.js';

// The client side of the CLI speaks to a running Sluice over HTTP, like any other client: nothing here
// touches the database. SLUICE_URL and SLUICE_API_KEY (or --url/--api-key) say where and as whom.

export interface ClientOptions {
  url?: string;
  apiKey?: string;
}

export interface Connection {
  base: string;
  apiKey: string;
}

/** The server named by --url or SLUICE_URL; undefined when neither is set (management commands then use the database). */
export function givenServerUrl(options: ClientOptions): string | undefined {
  const url = (options.url ?? process.env.SLUICE_URL)?.trim();
  return url ? url : undefined;
}

/** A server URL fit to print: without any user or password it may carry. */
export function describeServer(base: string): string {
  try {
    const url = new URL(base);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/+$/, '');
  } catch {
    return base.replace(/\/\/[^/@]*@/, '//');
  }
}

/** Where a client command talks to, and as whom; announces the server (never the key) on stderr. */
export function connection(options: ClientOptions): Connection {
  const base = (givenServerUrl(options) ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const apiKey = options.apiKey ?? process.env.SLUICE_API_KEY;
  if (!/^https?:\/\//.test(base)) throw new CliError(`--url must start with http:// or https:// (got ${describeServer(base)})`);
  if (!apiKey) throw new CliError(`an API key is needed for ${describeServer(base)}: set SLUICE_API_KEY or pass --api-key`);
  actingOn(`server ${describeServer(base)}`);
  return { base, apiKey };
}

/** A bulk request as the API returns it (the fields the CLI shows). */
export interface BulkRequestView {
  id: number;
  status: 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';
  source: string | null;
  filename: string | null;
  total_items: number;
  processed_items: number;
  successful_items: number;
  failed_items: number;
  skipped_items: number;
  progress: number;
  parsing: boolean;
  stuck: boolean;
  error_message: string | null;
  error_details?: { errors?: Array<{ line: number | null; field: string | null; code: string; message: string }>; error_count?: number };
  /** NACHA uploads: deviations the file was accepted with (docs/nacha.md). */
  source_details?: { warnings?: Array<{ line: number | null; field: string | null; code: string; message: string }>; warning_count?: number };
  url: string;
}

export interface RequestOptions extends RequestInit {
  duplex?: 'half';
  /** The data stream the path names: a 404 `data_stream_not_found` then says which stream, and where. */
  streamKey?: string;
}

export async function request<T>(conn: Connection, path: string, options: RequestOptions = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const { streamKey, ...init } = options;
  let response: Response;
  try {
    response = await fetch(`${conn.base}${path}`, { ...init, headers: { 'x-api-key': conn.apiKey, ...(init.headers ?? {}) } } as RequestInit);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CliError(`cannot reach Sluice at ${describeServer(conn.base)} (${cause})`);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  if (response.status >= 400) {
    const error = body as { error?: string; message?: string } | undefined;
    if (response.status === 404 && error?.error === 'data_stream_not_found' && streamKey !== undefined) {
      throw new CliError(
        `data stream '${streamKey}' not found on ${describeServer(conn.base)} (in the environment of this API key); ` +
          `create it with \`sluice streams create ${streamKey} --name NAME\``,
      );
    }
    throw new CliError(`${response.status} ${error?.error ?? ''}: ${error?.message ?? text.slice(0, 200)}`.replace(' : ', ': '));
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

export const isFinal = (status: BulkRequestView['status']) => status === 'completed' || status === 'failed' || status === 'cancelled';
