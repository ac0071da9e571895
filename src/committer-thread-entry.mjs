// A worker thread does not inherit the loader the main thread registered through tsx's API:
// register it here, then load the TypeScript composition root of the committer thread.
import { register } from 'tsx/esm/api';

register();
await import('./committer-thread.ts');
