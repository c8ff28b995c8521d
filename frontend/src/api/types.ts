// Shapes of what the Go services return and emit, as plain data.
//
// The generated models (wailsjs/go/models.ts) are classes with helper methods
// and optional fields; Go sends nil pointers as null and nil slices as null.
// Everything that crosses the seam is normalised to these plain types.
import type { app } from '../../wailsjs/go/models'

type Fields<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K] }

export type ProfileView = Fields<app.ProfileView>
export type ScenarioView = Fields<app.ScenarioView>
export type TargetView = Fields<app.TargetView>
export type IdentityView = Fields<app.IdentityView>
export type ErrorView = Fields<app.ErrorView>
export type AppInfo = Fields<app.AppInfo>
export type Notice = Fields<app.Notice>

/** Everything the header shows (app.ConnectionState). */
export interface ConnectionState {
  target: TargetView | null
  identity: IdentityView | null
  error: ErrorView | null
  busy: boolean
}

/** Payload of mfa:prompt (app.MFAPrompt). */
export interface MFAPrompt {
  requestId: string
  profile: string
  serial: string
}

/** Payload of sso:device-code (app.SSODeviceCode). */
export interface SSODeviceCode {
  profile: string
  url: string
  userCode: string
  expiresAt: string
}

/** Payload of sso:done (app.SSOResult). */
export interface SSOResult {
  profile: string
  ok: boolean
  error: ErrorView | null
}

/** Kinds of ErrorView.kind the Go side sends (app.explain). */
export type ErrorKind = 'sso-login' | 'no-credentials' | 'unknown-profile' | 'config-file' | 'unreachable' | 'denied' | 'other'

// Compile-time check that the generated model still has the fields used here:
// if a Go field is renamed, type checking fails on this line.
export type ModelsMatch = [Fields<app.ConnectionState>] extends [
  { target?: TargetView; identity?: IdentityView; error?: ErrorView; busy: boolean },
]
  ? true
  : never
const modelsMatch: ModelsMatch = true
void modelsMatch

export function normalizeState(raw: unknown): ConnectionState {
  const s = (raw ?? {}) as Partial<Record<keyof ConnectionState, unknown>>
  return {
    target: (s.target as TargetView | null | undefined) ?? null,
    identity: (s.identity as IdentityView | null | undefined) ?? null,
    error: (s.error as ErrorView | null | undefined) ?? null,
    busy: Boolean(s.busy),
  }
}

/** The text of a rejected bound call: Wails rejects with the Go error string. */
export function errorMessage(e: unknown): string {
  if (typeof e === 'string') return e
  if (e instanceof Error) return e.message
  if (e && typeof e === 'object' && 'message' in e && typeof e.message === 'string') return e.message
  return String(e)
}
