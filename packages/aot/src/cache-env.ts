// The environment variable naming the persistent translation cache's directory, in a module of its
// own so that `ferry run` can read it without loading the cache (node:crypto, the ABI hash).
export const CACHE_DIR_ENV = 'FERRY_CACHE_DIR';
