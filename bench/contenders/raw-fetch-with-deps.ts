/**
 * Raw fetch in a process that has also loaded rxjs and ky, the libraries rx-transfer depends on, without using
 * them: a reference that separates what rx-transfer's own code costs from what its dependencies' presence in the
 * process costs fetch (measured: a 256 MiB download took about a fifth more CPU with both loaded).
 */
import 'rxjs';
import 'ky';

export { download, downloadIntoSink, pool, smallWithSignal, upload } from './raw-fetch.ts';
