import { databaseFault, type DatabaseFault } from '../db/faults.js';
import { AppError } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/catalogue.js';
import { BodyValidationError } from './bulk-body.js';

// An error crosses from a staging thread to the API thread as data (structured clone keeps an Error's
// message, not its class or its code), and is rebuilt there into what the error handler knows: the
// catalogued error, the body's validation error, or the database fault (503) it classifies by code.

export type ThreadError =
  | { kind: 'app'; code: ErrorCode; message: string; details?: Record<string, unknown> }
  | { kind: 'validation'; validation: BodyValidationError['validation'] }
  | { kind: 'fault'; fault: DatabaseFault; message: string }
  | { kind: 'internal'; name: string; message: string; stack?: string };

export function toThreadError(error: unknown): ThreadError {
  if (error instanceof AppError) return { kind: 'app', code: error.code, message: error.message, details: error.details };
  if (error instanceof BodyValidationError) return { kind: 'validation', validation: error.validation };
  const e = error instanceof Error ? error : new Error(String(error));
  const fault = databaseFault(e);
  if (fault) return { kind: 'fault', fault, message: e.message };
  return { kind: 'internal', name: e.name, message: e.message, stack: e.stack };
}

/** A database fault, as `databaseFault` reads it again: by the code SQLite or pg would have given. */
class ThreadDatabaseFault extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ThreadDatabaseFault';
  }
}

export function fromThreadError(error: ThreadError): Error {
  switch (error.kind) {
    case 'app':
      return new AppError(error.code, error.message, error.details);
    case 'validation':
      return new BodyValidationError(error.validation);
    case 'fault':
      return new ThreadDatabaseFault(error.message, error.fault === 'busy' ? 'SQLITE_BUSY' : '08006');
    case 'internal': {
      const rebuilt = new Error(error.message);
      rebuilt.name = error.name;
      if (error.stack) rebuilt.stack = error.stack;
      return rebuilt;
    }
  }
}
