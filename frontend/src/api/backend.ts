// The seam in front of the generated Go bindings: the only file that imports
// wailsjs/go. Components and stores call these; unit tests mock this module.
import * as Session from '../../wailsjs/go/app/Session'
import * as Shell from '../../wailsjs/go/app/Shell'
import {
  normalizeState,
  type AppInfo,
  type ConnectionState,
  type Notice,
  type ProfileView,
  type ScenarioView,
} from './types'

export type * from './types'
export { errorMessage } from './types'

// --- Session: targets and identity ---

/** What is known now; answers from the cache without waiting on AWS. */
export async function getState(): Promise<ConnectionState> {
  return normalizeState(await Session.State())
}

export async function listProfiles(): Promise<ProfileView[]> {
  return ((await Session.Profiles()) ?? []).map((p) => ({ ...p, sources: p.sources ?? [], problem: p.problem ?? '' }))
}

export async function listScenarios(): Promise<ScenarioView[]> {
  return (await Session.Scenarios()) ?? []
}

export async function useSandbox(scenario: string): Promise<ConnectionState> {
  return normalizeState(await Session.UseSandbox(scenario))
}

export async function useProfile(name: string): Promise<ConnectionState> {
  return normalizeState(await Session.UseProfile(name))
}

/** Re-verifies the current target's identity with STS. */
export async function refreshIdentity(): Promise<ConnectionState> {
  return normalizeState(await Session.Refresh())
}

export function submitMfaCode(requestId: string, code: string): Promise<void> {
  return Session.SubmitMFACode(requestId, code)
}

export function cancelMfa(requestId: string): Promise<void> {
  return Session.CancelMFA(requestId)
}

/** Starts the IAM Identity Center sign-in; progress arrives as sso:* events. */
export function ssoLogin(profile: string): Promise<void> {
  return Session.SSOLogin(profile)
}

// --- Shell: app-wide things ---

export function about(): Promise<AppInfo> {
  return Shell.About()
}

export async function notices(): Promise<Notice[]> {
  return (await Shell.Notices()) ?? []
}

/** Tells the Go side the tiles are on screen, with DOMContentLoaded → tiles in ms. */
export function ready(domToTilesMs: number): Promise<void> {
  return Shell.Ready(domToTilesMs)
}
