import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Config } from '../config.js';
import type { Store } from '../db/connect.js';
import type { Metrics } from '../metrics.js';
import type { BulkStager } from '../staging/stager.js';

/** The Fastify instance routes receive: schemas type the handlers through TypeBox. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What every route plugin is given. */
export interface RouteDeps {
  store: Store;
  config: Config;
  metrics: Metrics;
  /** The clock; tests may pin it. Epoch milliseconds. */
  now: () => number;
  /** Where bulk bodies and uploads are read and staged: `serve`'s staging threads, or the API thread. */
  stager: BulkStager;
}
