/** A list with at least one element, as `z.enum` wants its values. */
export type NonEmpty<T> = readonly [T, ...T[]];

/**
 * `list.map(f)` that keeps "at least one element" in the type: the codes of a constant list become the values of a
 * `z.enum` without a cast.
 */
export function mapNonEmpty<L extends NonEmpty<unknown>, U>(list: L, f: (item: L[number]) => U): NonEmpty<U> {
  const [first, ...rest]: NonEmpty<L[number]> = list;
  return [f(first), ...rest.map(f)];
}
