/**
 * The hostile uploads live in bench/ because `npm run bench:uploads` builds them too, and nothing outside test/ may
 * import test/ (test/architecture.test.ts); the tests import them from here.
 */
export { hostileCsvFiles, hostileWorkbooks, partsOf, type HostileFile } from '../bench/hostile-files.ts';
