// The seam in front of the generated Go bindings: the only file that imports
// wailsjs/go. Components and stores call these; unit tests mock this module.
import * as Onboarding from '../../wailsjs/go/app/Onboarding'
import * as Session from '../../wailsjs/go/app/Session'
import * as Shell from '../../wailsjs/go/app/Shell'
import * as Tiles from '../../wailsjs/go/app/Tiles'
import {
  normalizePreview,
  normalizeReview,
  normalizeStackView,
  normalizeState,
  normalizeTilesView,
  type AppInfo,
  type ChangePreview,
  type ConnectionState,
  type FieldError,
  type LaunchForm,
  type Notice,
  type ProfileView,
  type Review,
  type ScenarioView,
  type StackView,
  type TilesView,
} from './types'

export type * from './types'
export { checkedTime, errorMessage } from './types'

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

// --- Onboarding: the onboarding CloudFormation stack ---

/** The plain-words review of the template for the form's parameters. */
export async function reviewStack(form: LaunchForm): Promise<Review> {
  return normalizeReview(await Onboarding.Review(form))
}

/** The template text, for "View template" and copying. */
export function templateBody(): Promise<string> {
  return Onboarding.TemplateBody()
}

/** The form checked as Launch will check it: one message per problem. */
export async function validateLaunch(form: LaunchForm): Promise<FieldError[]> {
  return (await Onboarding.Validate(form)) ?? []
}

/** The onboarding state of the current target, from memory or the cache. */
export async function onboardingState(): Promise<StackView> {
  return normalizeStackView(await Onboarding.State())
}

/** Creates the stack; rejects with a message that names the next step. */
export async function launchStack(form: LaunchForm): Promise<StackView> {
  return normalizeStackView(await Onboarding.Launch(form))
}

/** Deletes the failed stack and launches it again with the same parameters. */
export async function retryStack(): Promise<StackView> {
  return normalizeStackView(await Onboarding.Retry())
}

/** Deletes the stack (the window asks for confirmation first). */
export async function deleteStack(): Promise<StackView> {
  return normalizeStackView(await Onboarding.Delete())
}

/** Creates a change set to the app's template and returns its changes. */
export async function previewUpdate(): Promise<ChangePreview> {
  return normalizePreview(await Onboarding.PreviewUpdate())
}

/** Runs a previewed change set. */
export async function executeUpdate(changeSetId: string): Promise<StackView> {
  return normalizeStackView(await Onboarding.ExecuteUpdate(changeSetId))
}

/** Verifies the partner role of a connected stack again. */
export async function recheckStack(): Promise<StackView> {
  return normalizeStackView(await Onboarding.Recheck())
}

// --- Tiles: the four status tiles ---

/** The tiles as last known (from the cache, marked stale), without calling AWS. */
export async function tilesState(): Promise<TilesView> {
  return normalizeTilesView(await Tiles.State())
}

/** Re-checks every tile (and Test Configuration where enrolled). */
export async function refreshTiles(): Promise<TilesView> {
  return normalizeTilesView(await Tiles.Refresh())
}

/** Runs CAS Test Configuration. */
export async function testCas(): Promise<TilesView> {
  return normalizeTilesView(await Tiles.TestCAS())
}

/** Runs SDDS Test Configuration. */
export async function testSdds(): Promise<TilesView> {
  return normalizeTilesView(await Tiles.TestSDDS())
}

/** Records the "Enrolled in CAS/SDDS" toggle; enrolling runs Test Configuration. */
export async function setEnrolled(tile: 'cas' | 'sdds', enrolled: boolean): Promise<TilesView> {
  return normalizeTilesView(await Tiles.SetEnrolled(tile, enrolled))
}

/** Records "I completed seller registration" and re-checks. */
export async function confirmSeller(confirmed: boolean): Promise<TilesView> {
  return normalizeTilesView(await Tiles.ConfirmSeller(confirmed))
}
