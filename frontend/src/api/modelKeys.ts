// Type helpers that hold the plain types of the seam to the generated Wails
// models (wailsjs/go/models.ts), used by types.ts and catalogTypes.ts.

/** A generated model's data fields, without its helper methods. */
export type Fields<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K] }

/** true when A and B have the same keys; never (a type error where used) otherwise. */
export type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : never
