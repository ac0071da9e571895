/** `chainlake/client`: the TypeScript client, re-exported from its own package `@chainlake/client`. */
export * from '@chainlake/client';
