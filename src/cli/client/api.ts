import { CliError } from '../context.js';

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

export function connection(options: ClientOptions): Connection {
  const base = (options.url ?? process.env.SLUICE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const apiKey = options.apiKey ?? process.env.SLUICE_API_KEY;
  if (!apiKey) throw new CliError('an API key is needed: set SLUICE_API_KEY or pass --api-key');
  if (!/^https?:\/\//.test(base)) throw new CliError(`--url must start with http:// or https:// (got ${base})`);
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

export async function request<T>(conn: Connection, path: string, init: RequestInit & { duplex?: 'half' } = {}): Promise<{ status: number; body: T; headers: Headers }> {
  let response: Response;
  try {
    response = await fetch(`${conn.base}${path}`, { ...init, headers: { 'x-api-key': conn.apiKey, ...(init.headers ?? {}) } } as RequestInit);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CliError(`cannot reach Sluice at ${conn.base} (${cause})`);
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
    throw new CliError(`${response.status} ${error?.error ?? ''}: ${error?.message ?? text.slice(0, 200)}`.replace(' : ', ': '));
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

export const isFinal = (status: BulkRequestView['status']) => status === 'completed' || status === 'failed' || status === 'cancelled';
