// The shape of a catalog, derived from the English one, and the keys t() accepts.
import type { en } from "./en";

/** The English catalog with every text widened to string: what every other language must fill. */
type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
export type Catalog = Shape<typeof en>;

type Leaves<T, Prefix extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** i18next picks `key_one` / `key_other` by {{count}}; code names the key without the suffix. */
type WithoutPlural<K> = K extends `${infer Base}_${"one" | "other"}` ? Base : K;

export type Key = WithoutPlural<Leaves<Catalog>>;

export type Values = Record<string, string | number>;
