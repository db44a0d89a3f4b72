/** The formats an upload can be read as. Below format.ts and upload-options.ts, which both name them. */
export type Format = 'csv' | 'nacha' | 'bai2' | 'camt053';
