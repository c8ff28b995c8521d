// The seam in front of the generated Go bindings: the only file that imports
// wailsjs/go. Components and stores call these; unit tests mock this module.
import * as Catalog from '../../wailsjs/go/app/Catalog'
import * as Onboarding from '../../wailsjs/go/app/Onboarding'
import * as Policies from '../../wailsjs/go/app/Policies'
import * as Session from '../../wailsjs/go/app/Session'
import * as Shell from '../../wailsjs/go/app/Shell'
import * as Tiles from '../../wailsjs/go/app/Tiles'
// Type-only: the generated model classes would add their code to the start-up
// bundle, and the bindings send plain JSON anyway.
import type { app, iamdeploy } from '../../wailsjs/go/models'
import {
  normalizeBulk,
  normalizeChangeSet,
  normalizeEntities,
  normalizeLint,
  normalizeBulkPreview,
  normalizeResale,
  normalizeTags,
  type AdviceView,
  type BuiltPolicy,
  type BulkJob,
  type BulkPreview,
  type BulkRequest,
  type BulkView,
  type ChangeSetFilter,
  type ChangeSetRequest,
  type ChangeSetSummary,
  type ChangeSetTemplate,
  type ChangeSetView,
  type DeployResult,
  type EntitiesView,
  type BulkEstimate,
  type BulkKind,
  type TagRead,
  type LintView,
  type PatternView,
  type PolicyRequest,
  type Principal,
  type ResaleView,
  type Tag,
  type TagProblem,
  type TagsUpdate,
} from './catalogTypes'
import {
  normalizePreview,
  normalizeReview,
  normalizeRetryForm,
  normalizeStackView,
  normalizeState,
  normalizeTilesView,
  type AppInfo,
  type ChangePreview,
  type ConnectionState,
  type FieldError,
  type LaunchForm,
  type RetryForm,
  type Notice,
  type ProfileView,
  type Review,
  type ScenarioView,
  type StackView,
  type TilesView,
} from './types'

export type * from './types'
export type * from './catalogTypes'
export { isTerminalStatus } from './catalogTypes'
export { checkedTime, errorMessage, errorReference, toErrorView, errorKinds, errorTitles, isErrorKind } from './types'

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

/** Restores the current sandbox scenario's built-in state, and verifies it again. */
export async function resetScenario(): Promise<ConnectionState> {
  return normalizeState(await Session.ResetScenario())
}

/** How many times faster than AWS the embedded sandbox runs (1 = as AWS). */
export function demoSpeed(): Promise<number> {
  return Session.DemoSpeed()
}

/** Changes the sandbox's speed while it runs; resolves to the speed now. */
export function setDemoSpeed(scale: number): Promise<number> {
  return Session.SetDemoSpeed(scale)
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

/** Tells the Go side the tiles are on screen: DOMContentLoaded → tiles, and → the first frame after, in ms. */
export function ready(domToTilesMs: number, domToFrameMs: number): Promise<void> {
  return Shell.Ready(domToTilesMs, domToFrameMs)
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

/** Deletes the failed stack and launches it again with form (from retryForm, as the user changed it). */
export async function retryStack(form: LaunchForm): Promise<StackView> {
  return normalizeStackView(await Onboarding.Retry(form))
}

/** The launch form as the failed attempt was launched, and what its failure points at. */
export async function retryForm(): Promise<RetryForm> {
  return normalizeRetryForm(await Onboarding.RetryForm())
}

/** Follows a stack already there (empty name: the one a launch was refused for) to its end. */
export async function followStack(stackName = ''): Promise<StackView> {
  return normalizeStackView(await Onboarding.Follow(stackName))
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

/** Starts CloudFormation's drift detection; the result arrives with onboarding:changed. */
export async function checkDrift(): Promise<StackView> {
  return normalizeStackView(await Onboarding.CheckDrift())
}

/** Update for a drifted stack: writes the template's values back, then checks drift again. */
export async function restoreDrift(): Promise<StackView> {
  return normalizeStackView(await Onboarding.RestoreDrift())
}

// --- Tiles: the status tiles ---

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

/** Runs the Notifications Test Configuration (the Marketplace event rule, its queue and dead-letter queue). */
export async function testNotifications(): Promise<TilesView> {
  return normalizeTilesView(await Tiles.TestNotifications())
}

/** Records the "Enrolled in CAS/SDDS" toggle; enrolling runs Test Configuration. */
export async function setEnrolled(tile: 'cas' | 'sdds', enrolled: boolean): Promise<TilesView> {
  return normalizeTilesView(await Tiles.SetEnrolled(tile, enrolled))
}

/** Records "I completed seller registration" and re-checks. */
export async function confirmSeller(confirmed: boolean): Promise<TilesView> {
  return normalizeTilesView(await Tiles.ConfirmSeller(confirmed))
}

// --- Catalog: entities, tags, bulk tagging, change sets ---

/** The entity list as last known (cache), without calling AWS. */
export async function catalogEntities(): Promise<EntitiesView> {
  return normalizeEntities(await Catalog.Entities())
}

/** Reads what changed since the last pass (full: everything). */
export async function refreshEntities(full = false): Promise<EntitiesView> {
  return normalizeEntities(await Catalog.RefreshEntities(full))
}

/** Every cached tag set of the current target, by ARN. */
export async function allTags(): Promise<Record<string, Tag[]>> {
  const raw = (await Catalog.AllTags()) ?? {}
  const out: Record<string, Tag[]> = {}
  for (const [arn, tags] of Object.entries(raw)) out[arn] = tags ?? []
  return out
}

/** Reads one resource's tags from AWS. */
export async function readTags(arn: string): Promise<TagsUpdate> {
  return normalizeTags(await Catalog.Tags(arn))
}

/** Asks for the tags of the rows on screen; they arrive as catalog:tags. */
/** How long a bulk job of kind on arns takes at the quotas; nothing is called. */
export function estimateBulk(kind: BulkKind, arns: string[]): Promise<BulkEstimate> {
  return Catalog.EstimateBulk(kind, arns)
}

/** Reads, in the background, the tags of every entity not read yet. */
export function readAllTags(): Promise<TagRead> {
  return Catalog.ReadAllTags()
}

export function loadTags(arns: string[]): Promise<void> {
  return Catalog.LoadTags(arns)
}

/** The guide's tag rules, checked without calling AWS. */
export async function checkTags(tags: Tag[]): Promise<TagProblem[]> {
  return (await Catalog.CheckTags(tags.map((t) => ({ ...t })))) ?? []
}

/** Makes the resource's tags exactly these (add, edit and remove at once). */
export async function saveTags(arn: string, tags: Tag[]): Promise<TagsUpdate> {
  return normalizeTags(await Catalog.SaveTags(arn, tags.map((t) => ({ ...t }))))
}

export async function previewBulk(req: BulkRequest): Promise<BulkPreview> {
  return normalizeBulkPreview(await Catalog.PreviewBulk(req as unknown as app.BulkRequest))
}

export async function startBulk(req: BulkRequest): Promise<BulkView> {
  return normalizeBulk(await Catalog.StartBulk(req as unknown as app.BulkRequest))
}

export async function resumeBulk(jobId: string): Promise<BulkView> {
  return normalizeBulk(await Catalog.ResumeBulk(jobId))
}

export function stopBulk(): Promise<void> {
  return Catalog.StopBulk()
}

export async function bulkState(): Promise<BulkView> {
  return normalizeBulk(await Catalog.BulkState())
}

export async function bulkJobs(): Promise<BulkJob[]> {
  return ((await Catalog.BulkJobs()) ?? []) as BulkJob[]
}

export async function changeSetTemplates(): Promise<ChangeSetTemplate[]> {
  return ((await Catalog.ChangeSetTemplates()) ?? []).map((t) => ({
    ...t,
    request: {
      name: t.request?.name ?? '',
      changeSetTags: t.request?.changeSetTags ?? [],
      changes: (t.request?.changes ?? []).map((c) => ({ ...c, entityTags: c.entityTags ?? [] })),
    },
  }))
}

/** The change set checked as StartChangeSet checks it; '' when fine. */
export function validateChangeSet(req: ChangeSetRequest): Promise<string> {
  return Catalog.ValidateChangeSet(req as unknown as app.ChangeSetRequest)
}

export async function startChangeSet(req: ChangeSetRequest): Promise<ChangeSetView> {
  return normalizeChangeSet(await Catalog.StartChangeSet(req as unknown as app.ChangeSetRequest))
}

export async function describeChangeSet(id: string): Promise<ChangeSetView> {
  return normalizeChangeSet(await Catalog.DescribeChangeSet(id))
}

export async function cancelChangeSet(id: string): Promise<ChangeSetView> {
  return normalizeChangeSet(await Catalog.CancelChangeSet(id))
}

export async function listChangeSets(filter: ChangeSetFilter): Promise<ChangeSetSummary[]> {
  return ((await Catalog.ChangeSets(filter as unknown as app.ChangeSetFilter)) ?? []).map((s) => ({ ...s, entityIds: s.entityIds ?? [] }))
}

// --- Policies: the Catalog API access policies and the resale role ---

export async function policyPatterns(): Promise<PatternView[]> {
  return ((await Policies.Patterns()) ?? []).map((p) => ({ ...p, defaultActions: p.defaultActions ?? [] }))
}

/** The current target's account ID ('' when not known yet). */
export function policyAccount(): Promise<string> {
  return Policies.Account()
}

export async function buildPolicy(req: PolicyRequest): Promise<BuiltPolicy> {
  const b = await Policies.Build(req as unknown as app.PolicyRequest)
  return { json: b.json, lint: normalizeLint(b.lint) }
}

export async function lintPolicy(doc: string): Promise<LintView> {
  return normalizeLint(await Policies.Lint(doc))
}

export async function managedPolicies(): Promise<AdviceView[]> {
  return (await Policies.ManagedPolicies()) ?? []
}

/** Saves the policy where the user picks; '' when cancelled. */
export function savePolicy(doc: string, suggestedName: string): Promise<string> {
  return Policies.SavePolicy(doc, suggestedName)
}

export async function principals(): Promise<Principal[]> {
  return (await Policies.Principals()) ?? []
}

export async function createPolicy(name: string, doc: string, attachTo: Principal | null): Promise<DeployResult> {
  return Policies.CreatePolicy(name, doc, (attachTo ?? null) as unknown as iamdeploy.Principal)
}

export async function ensureResaleRole(): Promise<ResaleView> {
  return normalizeResale(await Policies.EnsureResaleRole())
}

export async function resaleSteps(): Promise<string[]> {
  return (await Policies.ResaleSteps()) ?? []
}

export async function resalePolicy(): Promise<{ policy: string; trust: string }> {
  const r = (await Policies.ResalePolicy()) ?? {}
  return { policy: r.policy ?? '', trust: r.trust ?? '' }
}
