// Shapes of what the Go services return and emit, as plain data.
//
// The generated models (wailsjs/go/models.ts) are classes with helper methods
// and optional fields; Go sends nil pointers as null and nil slices as null.
// Everything that crosses the seam is normalised to these plain types.
import type { app, onboarding, template, tiles } from '../../wailsjs/go/models'
import { isErrorKind, type ErrorKind } from './errorKinds'
import type { Fields, SameKeys } from './modelKeys'

export type { ErrorKind } from './errorKinds'
export { errorKinds, errorTitles, isErrorKind } from './errorKinds'

export type ProfileView = Fields<app.ProfileView>
export type ScenarioView = Fields<app.ScenarioView>
export type TargetView = Fields<app.TargetView>
export type IdentityView = Fields<app.IdentityView>
/** ErrorView as the generated model has it (kind a string there). */
type ErrorModel = Fields<app.ErrorView>

/**
 * A failure explained for a person (app.ErrorView, internal/awserr): in a
 * state (ConnectionState.error…) and as the rejection of a bound call.
 * code and requestId are AWS's, shown beneath; empty when AWS did not answer.
 */
export interface ErrorView {
  kind: ErrorKind
  message: string
  next: string
  code?: string
  requestId?: string
  /** The IAM action refused (access-denied). */
  action?: string
  /** The field refused (validation). */
  field?: string
}
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


// Compile-time check that the generated model still has the fields used here:
// if a Go field is renamed, type checking fails on this line.
export type ModelsMatch = [Fields<app.ConnectionState>] extends [
  { target?: TargetView; identity?: IdentityView; error?: ErrorModel; busy: boolean },
]
  ? true
  : never
const modelsMatch: ModelsMatch = true
void modelsMatch

// And that the generated ErrorView still has what ErrorView reads.
export type ErrorViewMatch = [Fields<app.ErrorView>] extends [
  { kind: string; message: string; next: string; code: string; requestId: string; action: string; field: string },
]
  ? true
  : never
const errorViewMatch: ErrorViewMatch = true
void errorViewMatch

export function normalizeState(raw: unknown): ConnectionState {
  const s = (raw ?? {}) as Partial<Record<keyof ConnectionState, unknown>>
  return {
    target: (s.target as TargetView | null | undefined) ?? null,
    identity: (s.identity as IdentityView | null | undefined) ?? null,
    error: (s.error as ErrorView | null | undefined) ?? null,
    busy: Boolean(s.busy),
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

/**
 * A rejected bound call as an ErrorView. The Go side rejects with
 * {kind, message, next, code, requestId} (main.go's ErrorFormatter, the
 * serve-web bridge); a plain string or Error (older builds, the runtime
 * itself) becomes kind "other" with no next step.
 */
export function toErrorView(e: unknown): ErrorView {
  if (e && typeof e === 'object' && !(e instanceof Error) && 'message' in e && typeof e.message === 'string') {
    const o = e as Record<string, unknown>
    const v: ErrorView = { kind: isErrorKind(o.kind) ? o.kind : 'other', message: o.message as string, next: str(o.next) }
    for (const k of ['code', 'requestId', 'action', 'field'] as const) {
      if (str(o[k])) v[k] = str(o[k])
    }
    return v
  }
  if (typeof e === 'string') return { kind: 'other', message: e, next: '' }
  if (e instanceof Error) return { kind: 'other', message: e.message, next: '' }
  return { kind: 'other', message: String(e), next: '' }
}

/** The line beneath the message: AWS's code and request ID, '' when AWS did not answer. */
export function errorReference(v: Pick<ErrorView, 'code' | 'requestId'>): string {
  return [v.code ? `AWS code: ${v.code}` : '', v.requestId ? `Request ID: ${v.requestId}` : ''].filter(Boolean).join(' · ')
}

/**
 * The text of a rejected bound call, for places that show one line: the
 * message, the next step, and AWS's code and request ID in brackets.
 */
export function errorMessage(e: unknown): string {
  const v = toErrorView(e)
  const ref = errorReference(v)
  return [v.message, v.next, ref ? `(${ref})` : ''].filter(Boolean).join(' ')
}

// --- Onboarding (app/onboarding.go, internal/onboarding, internal/onboarding/template) ---

/** Phases of the onboarding stack (onboarding.Phase). */
export type Phase = 'not-connected' | 'launching' | 'verifying' | 'connected' | 'error' | 'deleting'

/** What the review screen submits (app.LaunchForm). */
export interface LaunchForm {
  stackName: string
  partnerAccountId: string
  externalId: string
  reportUrl: string
  leastPrivilege: boolean
  /** Optional bucket names ('' lets CloudFormation choose). */
  casBucketName: string
  sddsBucketName: string
  /** The CAPABILITY_NAMED_IAM acknowledgement was ticked. */
  acknowledged: boolean
}

/** The launch form prefilled for a Retry (app.RetryForm). */
export interface RetryForm {
  form: LaunchForm
  /** The failure, in plain words. */
  problem: string
  /** The form field the failure points at, or ''. */
  field: string
}

/** Field names of FieldError.field; "" for a problem of the whole form. */
export type FormField = 'stackName' | 'partnerAccountId' | 'externalId' | 'reportUrl' | 'casBucketName' | 'sddsBucketName' | 'acknowledged' | ''

/** One inline validation message (app.FieldError). */
export interface FieldError {
  field: FormField | string
  message: string
}

/** Launch parameters as kept in a Record (template.Parameters). */
export interface StackParams {
  partnerAccountId: string
  externalId: string
  partnerRoleName: string
  partnerSnsPrefix: string
  reportUrl: string
  leastPrivilege: boolean
  casBucketName: string
  sddsBucketName: string
}

/** One stack event (onboarding.Event); oldest first in a Record. */
export interface StackEvent {
  id: string
  time: string
  logicalId: string
  physicalId: string
  type: string
  status: string
  reason: string
}

/** The first failing event, explained (onboarding.Failure). */
export interface Failure {
  logicalId: string
  type: string
  /** As AWS wrote it. */
  reason: string
  /** In plain words, with the next step. */
  plain: string
  /** The role could not be read to check it: no verdict, test again. */
  unverified?: boolean
}

/** One verification step of the partner role (onboarding.Check). */
export interface Check {
  name: string
  ok: boolean
  detail: string
  /** The check could not be made (the read failed). */
  unknown?: boolean
  /** The AWS error code of the call an unknown check could not make. */
  code?: string
}

/** Everything known about one onboarding stack (onboarding.StackRecord). */
export interface StackRecord {
  targetKey: string
  stackName: string
  stackId: string
  phase: Phase
  status: string
  statusReason: string
  /** create, update or delete. */
  operation: string
  templateVersion: string
  params: StackParams
  total: number
  done: number
  events: StackEvent[]
  failure: Failure | null
  rolledBack: boolean
  outputs: Record<string, string>
  checks: Check[]
  startedAt: string
  updatedAt: string
  /** The failed attempt this stack was retried from, kept readable. */
  previous?: StackRecord | null
  /** The last drift detection (onboarding.DriftReport); null: never checked. */
  drift?: DriftReport | null
}

/** One PropertyDifference, with its plain words (onboarding.Difference). */
export interface Difference {
  path: string
  expected: string
  actual: string
  /** ADD, REMOVE or NOT_EQUAL. */
  kind: string
  plain: string
}

/** A drifted resource (onboarding.ResourceDrift). */
export interface ResourceDrift {
  logicalId: string
  physicalId: string
  type: string
  /** MODIFIED or DELETED. */
  status: string
  /** For a DELETED resource. */
  plain: string
  differences: Difference[]
  expected?: string
  actual?: string
}

/** CloudFormation's drift detection of the stack (onboarding.DriftReport). */
export interface DriftReport {
  stackName: string
  detectionId: string
  /** IN_SYNC or DRIFTED. */
  status: string
  checkedAt: string
  resources: ResourceDrift[]
}

/** What Update wrote back and what it left (onboarding.RestoreResult). */
export interface RestoreResult {
  restored: string[]
  left: string[]
}

/** The drift detection under way, or its last problem (app.DriftView). */
export interface DriftView {
  checking: boolean
  restoring: boolean
  elapsedSeconds: number
  error: ErrorView | null
  restore: RestoreResult | null
}

/** The onboarding state the window shows (app.StackView). */
export interface StackView {
  /** null: nothing launched for this target. */
  record: StackRecord | null
  needsUpdate: boolean
  /** The template version this app carries. */
  appTemplate: string
  watching: boolean
  /** A problem following the stack. */
  error: ErrorView | null
  /** The stack a launch was refused for, already there; in progress: offer Follow. */
  existing: ExistingStack | null
  drift: DriftView
}

/** app.ExistingStack */
export interface ExistingStack {
  stackName: string
  status: string
  /** RFC 3339; Go's zero time when unknown. */
  since: string
  inProgress: boolean
}

/** template.ParameterSummary */
export interface ParameterSummary {
  name: string
  label: string
  description: string
  default: string
  hasDefault: boolean
  value?: string
}

/** template.ConditionSummary */
export interface ConditionSummary {
  name: string
  text: string
  value?: boolean
}

/** One policy statement in plain words (template.StatementSummary). */
export interface StatementSummary {
  policy: string
  condition?: string
  when?: string
  sid: string
  effect: string
  actions?: string[]
  notActions?: string[]
  resources?: string[]
  notResources?: string[]
  principals?: string[]
  conditions?: string[]
  text: string
}

/** One resource of the template (template.ResourceSummary). */
export interface ResourceSummary {
  logicalId: string
  type: string
  title: string
  why: string
  condition?: string
  /** The condition in words: "only if Report URL is not empty". */
  when?: string
  /** The condition is false for the form: the resource will not be created. */
  skipped?: boolean
  name?: string
  /** Kept when the stack is deleted. */
  retained: boolean
  managedPolicies?: string[]
  statements?: StatementSummary[]
}

/** template.OutputSummary */
export interface OutputSummary {
  name: string
  description: string
  value: string
}

/** The plain-words review of the template (template.Summary). */
export interface Summary {
  version: string
  description: string
  capabilities: string[]
  parameters: ParameterSummary[]
  conditions: ConditionSummary[]
  resources: ResourceSummary[]
  outputs: OutputSummary[]
}

/** app.Review */
export interface Review {
  defaultStackName: string
  summary: Summary
}

/** One change of a change set (app.ResourceDiff). */
export interface ResourceDiff {
  /** Add, Modify, Remove. */
  action: string
  logicalId: string
  type: string
  replacement: string
}

/** An update's change set, shown before it runs (app.ChangePreview). */
export interface ChangePreview {
  changeSetId: string
  changes: ResourceDiff[]
  fromVersion: string
  toVersion: string
}

const ZERO_TIME = /^0001-01-01T00:00:00/

/** Go's zero time.Time means "never": normalised to "". */
function time(v: unknown): string {
  return typeof v === 'string' && !ZERO_TIME.test(v) ? v : ''
}

function list<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : []
}

export function normalizeRecord(raw: unknown): StackRecord | null {
  if (!raw || typeof raw !== 'object') return null
  const r = raw as Partial<Record<keyof StackRecord, unknown>>
  return {
    targetKey: String(r.targetKey ?? ''),
    stackName: String(r.stackName ?? ''),
    stackId: String(r.stackId ?? ''),
    phase: (r.phase as Phase | undefined) || 'not-connected',
    status: String(r.status ?? ''),
    statusReason: String(r.statusReason ?? ''),
    operation: String(r.operation ?? ''),
    templateVersion: String(r.templateVersion ?? ''),
    params: {
      partnerAccountId: '', externalId: '', partnerRoleName: '', partnerSnsPrefix: '', reportUrl: '', leastPrivilege: false,
      casBucketName: '', sddsBucketName: '', ...((r.params as Partial<StackParams> | null | undefined) ?? {}),
    },
    total: Number(r.total ?? 0),
    done: Number(r.done ?? 0),
    events: list<StackEvent>(r.events).map((e) => ({ ...e, time: time(e.time), reason: e.reason ?? '' })),
    failure: (r.failure as Failure | null | undefined) ?? null,
    rolledBack: Boolean(r.rolledBack),
    outputs: (r.outputs as Record<string, string> | null | undefined) ?? {},
    checks: list<Check>(r.checks),
    startedAt: time(r.startedAt),
    updatedAt: time(r.updatedAt),
    previous: normalizeRecord(r.previous),
    drift: normalizeDrift(r.drift),
  }
}

export function normalizeDrift(raw: unknown): DriftReport | null {
  if (!raw || typeof raw !== 'object') return null
  const d = raw as Partial<Record<keyof DriftReport, unknown>>
  return {
    stackName: String(d.stackName ?? ''),
    detectionId: String(d.detectionId ?? ''),
    status: String(d.status ?? ''),
    checkedAt: time(d.checkedAt),
    resources: list<ResourceDrift>(d.resources).map((r) => ({ ...r, plain: r.plain ?? '', differences: list<Difference>(r.differences) })),
  }
}

export function normalizeDriftView(raw: unknown): DriftView {
  const v = (raw ?? {}) as Partial<Record<keyof DriftView, unknown>>
  const r = v.restore as Partial<RestoreResult> | null | undefined
  return {
    checking: Boolean(v.checking),
    restoring: Boolean(v.restoring),
    elapsedSeconds: Number(v.elapsedSeconds ?? 0),
    error: (v.error as ErrorView | null | undefined) ?? null,
    restore: r ? { restored: list<string>(r.restored), left: list<string>(r.left) } : null,
  }
}

export function normalizeRetryForm(raw: unknown): RetryForm {
  const r = (raw ?? {}) as Partial<Record<keyof RetryForm, unknown>>
  const f = (r.form ?? {}) as Partial<LaunchForm>
  return {
    form: {
      stackName: f.stackName ?? '', partnerAccountId: f.partnerAccountId ?? '', externalId: f.externalId ?? '',
      reportUrl: f.reportUrl ?? '', leastPrivilege: Boolean(f.leastPrivilege), casBucketName: f.casBucketName ?? '',
      sddsBucketName: f.sddsBucketName ?? '', acknowledged: false,
    },
    problem: String(r.problem ?? ''),
    field: String(r.field ?? ''),
  }
}

export function normalizeStackView(raw: unknown): StackView {
  const v = (raw ?? {}) as Partial<Record<keyof StackView, unknown>>
  return {
    record: normalizeRecord(v.record),
    needsUpdate: Boolean(v.needsUpdate),
    appTemplate: String(v.appTemplate ?? ''),
    watching: Boolean(v.watching),
    error: (v.error as ErrorView | null | undefined) ?? null,
    existing: (v.existing as ExistingStack | null | undefined) ?? null,
    drift: normalizeDriftView(v.drift),
  }
}

export function normalizeReview(raw: unknown): Review {
  const r = (raw ?? {}) as { defaultStackName?: string; summary?: Partial<Record<keyof Summary, unknown>> | null }
  const s = r.summary ?? {}
  return {
    defaultStackName: r.defaultStackName ?? '',
    summary: {
      version: String(s.version ?? ''),
      description: String(s.description ?? ''),
      capabilities: list<string>(s.capabilities),
      parameters: list<ParameterSummary>(s.parameters),
      conditions: list<ConditionSummary>(s.conditions),
      resources: list<ResourceSummary>(s.resources),
      outputs: list<OutputSummary>(s.outputs),
    },
  }
}

export function normalizePreview(raw: unknown): ChangePreview {
  const p = (raw ?? {}) as Partial<Record<keyof ChangePreview, unknown>>
  return {
    changeSetId: String(p.changeSetId ?? ''),
    changes: list<ResourceDiff>(p.changes),
    fromVersion: String(p.fromVersion ?? ''),
    toVersion: String(p.toVersion ?? ''),
  }
}

// Compile-time check that the generated models have exactly the fields of the
// plain types above: a Go field renamed, added or removed fails type checking.
export type OnboardingModelsMatch = [
  SameKeys<Fields<app.StackView>, StackView>,
  SameKeys<Fields<onboarding.StackRecord>, StackRecord>,
  SameKeys<Fields<onboarding.Event>, StackEvent>,
  SameKeys<Fields<onboarding.Failure>, Failure>,
  SameKeys<Fields<onboarding.Check>, Check>,
  SameKeys<Fields<template.Parameters>, StackParams>,
  SameKeys<Fields<app.LaunchForm>, LaunchForm>,
  SameKeys<Fields<app.RetryForm>, RetryForm>,
  SameKeys<Fields<app.FieldError>, FieldError>,
  SameKeys<Fields<app.Review>, Review>,
  SameKeys<Fields<template.Summary>, Summary>,
  SameKeys<Fields<template.ResourceSummary>, ResourceSummary>,
  SameKeys<Fields<template.StatementSummary>, StatementSummary>,
  SameKeys<Fields<template.ParameterSummary>, ParameterSummary>,
  SameKeys<Fields<template.ConditionSummary>, ConditionSummary>,
  SameKeys<Fields<template.OutputSummary>, OutputSummary>,
  SameKeys<Fields<app.ChangePreview>, ChangePreview>,
  SameKeys<Fields<app.ResourceDiff>, ResourceDiff>,
  SameKeys<Fields<app.DriftView>, DriftView>,
  SameKeys<Fields<onboarding.DriftReport>, DriftReport>,
  SameKeys<Fields<onboarding.ResourceDrift>, ResourceDrift>,
  SameKeys<Fields<onboarding.Difference>, Difference>,
  SameKeys<Fields<onboarding.RestoreResult>, RestoreResult>,
]
const onboardingModelsMatch: OnboardingModelsMatch = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true]
void onboardingModelsMatch

// --- Status tiles (app/tiles.go, internal/tiles) ---

/** Tile states (tiles.State); which tile uses which: internal/tiles/tiles.go. */
export type TileState = 'unknown' | 'not-registered' | 'completed' | 'not-connected' | 'launching' | 'connected' | 'error' | 'not-enrolled' | 'waiting' | 'legacy'

export type TileId = 'seller' | 'role' | 'cas' | 'sdds' | 'notifications'

/** Statuses of one check line (tiles.CheckResult.status). */
export type CheckStatus = 'passed' | 'failed' | 'could-not-check' | 'waiting'

/** One line of a Test Configuration or a probe (tiles.CheckResult). */
export interface CheckResult {
  name: string
  status: CheckStatus | string
  detail: string
  fix: string
  code: string
}

/** A value of a tile, with a copy button when copy is set (tiles.Field). */
export interface TileField {
  label: string
  value: string
  copy: boolean
}

/** An informational line with an optional source link (tiles.Note). */
export interface TileNote {
  text: string
  link: string
}

/** Everything one status tile shows (tiles.Tile). */
export interface Tile {
  id: TileId | string
  /** Counts in the header's "N of M required connected" (tiles.Kinds). */
  required: boolean
  state: TileState | string
  summary: string
  fields: TileField[]
  checks: CheckResult[]
  /** RFC 3339; Go's zero time ("0001-01-01T00:00:00Z") when never checked. */
  checkedAt: string
  /** Loaded from the cache and not refreshed yet. */
  stale: boolean
  /** Seller tile: detected (Catalog probe) or confirmed (by the user); "" otherwise. */
  source: string
  notes: TileNote[]
}

/** The overall progress, counted and worded by the Go side (tiles.Summary): the header shows `text` as is. */
export interface TilesProgress {
  requiredConnected: number
  required: number
  missing: string[]
  text: string
}

/** The tiles and the header's overall progress (app.TilesView). */
export interface TilesView {
  tiles: Tile[]
  progress: TilesProgress
  busy: boolean
  sellerConfirmed: boolean
  sddsEnrolled: boolean
  error: ErrorView | null
}

export type TilesModelsMatch = [Fields<app.TilesView>, Fields<tiles.Tile>, Fields<tiles.CheckResult>, Fields<tiles.Field>, Fields<tiles.Note>] extends [
  { tiles: unknown[]; progress: unknown; busy: boolean; sellerConfirmed: boolean; sddsEnrolled: boolean; error?: ErrorModel },
  { id: string; required: boolean; state: string; summary: string; fields: unknown[]; checks: unknown[]; checkedAt: unknown; stale: boolean; source?: string; notes: unknown[] },
  { name: string; status: string; detail: string; fix: string; code: string },
  { label: string; value: string; copy: boolean },
  { text: string; link?: string },
]
  ? true
  : never
const tilesModelsMatch: TilesModelsMatch = true
void tilesModelsMatch

/** Go's zero time means "never": null then. */
export function checkedTime(iso: string | null | undefined): string | null {
  if (!iso || iso.startsWith('0001-01-01')) return null
  return iso
}

function normalizeTile(raw: unknown): Tile {
  const t = (raw ?? {}) as Partial<Record<keyof Tile, unknown>>
  const str = (v: unknown) => (typeof v === 'string' ? v : '')
  return {
    id: str(t.id),
    required: Boolean(t.required),
    state: str(t.state) || 'unknown',
    summary: str(t.summary),
    fields: ((t.fields as TileField[] | null) ?? []).map((f) => ({ label: str(f.label), value: str(f.value), copy: Boolean(f.copy) })),
    checks: ((t.checks as CheckResult[] | null) ?? []).map((c) => ({ name: str(c.name), status: str(c.status), detail: str(c.detail), fix: str(c.fix), code: str(c.code) })),
    checkedAt: str(t.checkedAt),
    stale: Boolean(t.stale),
    source: str(t.source),
    notes: ((t.notes as TileNote[] | null) ?? []).map((n) => ({ text: str(n.text), link: str(n.link) })),
  }
}

function normalizeProgress(raw: unknown): TilesProgress {
  const p = (raw ?? {}) as Partial<Record<keyof TilesProgress, unknown>>
  return {
    requiredConnected: Number(p.requiredConnected ?? 0),
    required: Number(p.required ?? 0),
    missing: ((p.missing as string[] | null) ?? []).map(String),
    text: typeof p.text === 'string' ? p.text : '',
  }
}

export function normalizeTilesView(raw: unknown): TilesView {
  const v = (raw ?? {}) as Partial<Record<keyof TilesView, unknown>>
  return {
    tiles: ((v.tiles as unknown[] | null) ?? []).map(normalizeTile),
    progress: normalizeProgress(v.progress),
    busy: Boolean(v.busy),
    sellerConfirmed: Boolean(v.sellerConfirmed),
    sddsEnrolled: Boolean(v.sddsEnrolled),
    error: (v.error as ErrorView | null | undefined) ?? null,
  }
}
