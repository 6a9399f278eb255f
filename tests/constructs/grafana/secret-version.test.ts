import { SecretVersion } from '../../../constructs/grafana/secret-version';
import { scratchStack } from './helpers';

describe('SecretVersion', () => {
  test('rejects a value that is not a secret version reference', () => {
    // then
    expect(() => new SecretVersion(scratchStack(), 'S', { reference: 'hunter2' })).toThrow(
      'secret reference "hunter2" is not projects/<project>/secrets/<name>/versions/<version>',
    );
  });
});
