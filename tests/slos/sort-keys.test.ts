import { sortKeysInPlace } from '../../slos/sort-keys';

describe('sortKeysInPlace', () => {
  test.each([0, 1, 2, 5, 32, 33, 100])('puts %d keys in the order Array#sort gives them', (count) => {
    // given keys in a shuffled order (a fixed generator: the same lists on every run), with
    // repeats, prefixes, upper case, digits, an underscore and a non-ASCII key
    let seed = count + 1;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const alphabet = ['a', 'b', 'B', '_', '1', 'é', 'ab', 'a_b', 'le', 'team'];
    const keys = Array.from({ length: count }, () => `${alphabet[next() % alphabet.length]}${next() % 3 === 0 ? '' : next() % 7}`);
    const expected = [...keys].sort();
    // when
    sortKeysInPlace(keys);
    // then
    expect(keys).toEqual(expected);
  });
});
