import { boundedMemo } from '../../slos/memo';

describe('bounded memo', () => {
  test('computes each key once and returns the stored result after', () => {
    // given
    const memo = boundedMemo<string>(10);
    const computed: string[] = [];
    const get = (key: string) => memo(key, () => (computed.push(key), `${key}!`));
    // when
    const results = [get('a'), get('b'), get('a'), get('b')];
    // then
    expect(results).toEqual(['a!', 'b!', 'a!', 'b!']);
    expect(computed).toEqual(['a', 'b']);
  });

  test('drops the oldest entry beyond its bound, and computes it again when asked', () => {
    // given: room for two
    const memo = boundedMemo<number>(2);
    let computations = 0;
    const get = (key: string) => memo(key, () => ++computations);
    // when: a third key pushes out the first
    get('a');
    get('b');
    get('c');
    // then: b and c are kept, a is computed again
    expect([get('b'), get('c'), computations]).toEqual([2, 3, 3]);
    expect(get('a')).toBe(4);
  });
});
