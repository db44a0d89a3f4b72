import { CATALOGUE, type ErrorCode } from './catalogue.js';

/** The one error type routes throw; the error handler turns it into `{error, message, details?}`. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? CATALOGUE[code].message);
    this.name = 'AppError';
    this.status = CATALOGUE[code].status;
  }

  toBody(): ErrorBody {
    return { error: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export interface ErrorBody {
  error: string;
  message: string;
  details?: Record<string, unknown>;
}
