import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { userCacheDir } from '../../../src/shared/node/userCache';

describe('userCacheDir', () => {
  it("uses each platform's cache folder", () => {
    assert.equal(userCacheDir({ platform: 'linux', home: '/home/u' }), path.join('/home/u', '.cache', 'dtn-studio'));
    assert.equal(userCacheDir({ platform: 'linux', home: '/home/u', xdgCacheHome: '/var/c' }), path.join('/var/c', 'dtn-studio'));
    // A relative XDG_CACHE_HOME is invalid and ignored.
    assert.equal(userCacheDir({ platform: 'linux', home: '/home/u', xdgCacheHome: 'rel' }), path.join('/home/u', '.cache', 'dtn-studio'));
    assert.equal(userCacheDir({ platform: 'darwin', home: '/Users/u' }), path.join('/Users/u', 'Library', 'Caches', 'dtn-studio'));
    assert.equal(userCacheDir({ platform: 'win32', home: '/h', localAppData: '/la' }), path.join('/la', 'dtn-studio', 'Cache'));
  });
});
