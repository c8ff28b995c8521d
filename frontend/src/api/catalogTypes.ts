// Shapes of the Catalog and Policies services (app/catalog*.go,
// app/policies.go), as plain data. Go sends nil slices as null; the
// normalisers below make every list an array.
import type { app, catalog, iamdeploy, resale } from '../../wailsjs/go/models'
import type { ErrorView } from './types'
import type { Fields, SameKeys } from './modelKeys'

export interface Tag {
  key: string
  value: string
}

export interface EntitySummary {
  type: string
  id: string
  arn: string
  name: string
  visibility: string
  lastModified: string
}

export interface EntitiesView {
  entities: EntitySummary[]
  count: number
  version: number
  refreshing: boolean
  stale: boolean
  refreshedAt: string
  error: ErrorView | null
}

export interface TagsUpdate {
  arn: string
  tags: Tag[]
  at: string
}

export interface TagProblem {
  index: number
  key: string
  message: string
}

export type BulkKind = 'add' | 'remove'

export interface BulkRequest {
  kind: BulkKind
  tags: Tag[]
  keys: string[]
  arns: string[]
  /** Read every resource's tags again instead of using those already read. */
  readAll?: boolean
}

export interface TagChangeView {
  key: string
  old: string
  new: string
}

export interface DiffView {
  arn: string
  added: Tag[]
  changed: TagChangeView[]
  removed: Tag[]
  /** When the tags were read, if before the preview (RFC 3339); '' = read by it. */
  readAt: string
}

export interface BulkFailure {
  arn: string
  code: string
  message: string
}

export interface BulkPreview {
  changes: DiffView[]
  unchanged: string[]
  errors: BulkFailure[]
  changedArns: string[]
  /** Resources whose tags were already read and used as they were. */
  known: number
  /** The oldest of those reads (RFC 3339), '' when none. */
  oldest: string
}

/** How long a bulk job on a selection takes at the quotas (catalog.EstimateJob, in Go). */
export interface BulkEstimate {
  count: number
  known: number
  reads: number
  writes: number
  seconds: number
  text: string
}

/** What ReadAllTags queued, and how long it takes. */
export interface TagRead {
  queued: number
  seconds: number
  text: string
}

export type BulkPhase = 'idle' | 'previewing' | 'running' | 'done' | 'stopped' | 'failed'

export interface BulkView {
  phase: BulkPhase
  jobId: string
  kind: string
  read: number
  done: number
  failed: number
  total: number
  throttled: number
  rate: number
  etaSeconds: number
  succeeded: string[]
  failures: BulkFailure[]
  error: ErrorView | null
}

export interface BulkJob {
  jobId: string
  kind: string
  created: string
  finished: boolean
  total: number
  done: number
  failed: number
  pending: number
  summary: string
}

export interface ChangeView {
  changeType: string
  entityType: string
  entityId: string
  details: string
  entityTags: Tag[]
}

export interface ChangeSetRequest {
  name: string
  changes: ChangeView[]
  changeSetTags: Tag[]
}

export interface ChangeSetTemplate {
  id: string
  title: string
  description: string
  needsEntity: string
  request: ChangeSetRequest
}

export interface ChangeResultView {
  changeType: string
  entityType: string
  entityId: string
  errors: string[]
}

export type ChangeSetStatus = 'PREPARING' | 'APPLYING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | string

export interface ChangeSetView {
  id: string
  arn: string
  name: string
  status: ChangeSetStatus
  failureCode: string
  failureDescription: string
  startTime: string
  endTime: string
  changes: ChangeResultView[]
  watching: boolean
}

export interface ChangeSetFilter {
  status: string
  name: string
  entityId: string
}

export interface ChangeSetSummary {
  id: string
  arn: string
  name: string
  status: ChangeSetStatus
  startTime: string
  endTime: string
  entityIds: string[]
}

export interface PatternView {
  id: string
  description: string
  usesEntities: boolean
  usesChangeTypes: boolean
  usesTag: boolean
  defaultActions: string[]
}

export interface PolicyRequest {
  pattern: string
  account: string
  entityArns: string[]
  changeTypes: string[]
  tagKey: string
  tagValue: string
  actions: string[]
}

export interface FindingView {
  rule: string
  severity: 'error' | 'warning' | 'info' | string
  statement: number
  sid: string
  message: string
  fix: string
}

export interface LintView {
  findings: FindingView[]
  hasErrors: boolean
  parseError: string
}

export interface BuiltPolicy {
  json: string
  lint: LintView
}

export interface AdviceView {
  name: string
  arn: string
  purpose: string
}

export interface Principal {
  kind: 'role' | 'user' | string
  name: string
  arn: string
}

export interface DeployResult {
  policyArn: string
  action: string
  attachedTo: string
  attachAction: string
  message: string
}

export interface ResaleStep {
  name: string
  action: string
  detail: string
}

export interface ResaleView {
  report: { policyArn: string; roleArn: string; steps: ResaleStep[] }
  inPlace: boolean
  message: string
}

type Raw = Record<string, unknown> | null | undefined

const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : [])
const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

export function normalizeEntities(raw: unknown): EntitiesView {
  const r = (raw ?? {}) as Raw & object
  return {
    entities: arr<EntitySummary>(r.entities),
    count: num(r.count),
    version: num(r.version),
    refreshing: r.refreshing === true,
    stale: r.stale === true,
    refreshedAt: str(r.refreshedAt),
    error: (r.error as ErrorView | null) ?? null,
  }
}

export function normalizeTags(raw: unknown): TagsUpdate {
  const r = (raw ?? {}) as Raw & object
  return { arn: str(r.arn), tags: arr<Tag>(r.tags), at: str(r.at) }
}

export function normalizeBulk(raw: unknown): BulkView {
  const r = (raw ?? {}) as Raw & object
  return {
    phase: (str(r.phase) || 'idle') as BulkPhase,
    jobId: str(r.jobId),
    kind: str(r.kind),
    read: num(r.read),
    done: num(r.done),
    failed: num(r.failed),
    total: num(r.total),
    throttled: num(r.throttled),
    rate: num(r.rate),
    etaSeconds: num(r.etaSeconds),
    succeeded: arr<string>(r.succeeded),
    failures: arr<BulkFailure>(r.failures),
    error: (r.error as ErrorView | null) ?? null,
  }
}

export function normalizeBulkPreview(raw: unknown): BulkPreview {
  const r = (raw ?? {}) as Raw & object
  return {
    changes: arr<DiffView>(r.changes).map((d) => ({ arn: d.arn, added: arr<Tag>(d.added), changed: arr<TagChangeView>(d.changed), removed: arr<Tag>(d.removed), readAt: d.readAt ?? '' })),
    unchanged: arr<string>(r.unchanged),
    errors: arr<BulkFailure>(r.errors),
    changedArns: arr<string>(r.changedArns),
    known: typeof r.known === 'number' ? r.known : 0,
    oldest: typeof r.oldest === 'string' ? r.oldest : '',
  }
}

export function normalizeChangeSet(raw: unknown): ChangeSetView {
  const r = (raw ?? {}) as Raw & object
  return {
    id: str(r.id),
    arn: str(r.arn),
    name: str(r.name),
    status: str(r.status),
    failureCode: str(r.failureCode),
    failureDescription: str(r.failureDescription),
    startTime: str(r.startTime),
    endTime: str(r.endTime),
    changes: arr<ChangeResultView>(r.changes).map((c) => ({ ...c, errors: arr<string>(c.errors) })),
    watching: r.watching === true,
  }
}

export function normalizeLint(raw: unknown): LintView {
  const r = (raw ?? {}) as Raw & object
  return { findings: arr<FindingView>(r.findings), hasErrors: r.hasErrors === true, parseError: str(r.parseError) }
}

export function normalizeResale(raw: unknown): ResaleView {
  const r = (raw ?? {}) as Raw & object
  const rep = (r.report ?? {}) as Raw & object
  return {
    report: { policyArn: str(rep.policyArn), roleArn: str(rep.roleArn), steps: arr<ResaleStep>(rep.steps) },
    inPlace: r.inPlace === true,
    message: str(r.message),
  }
}

/** A change set has ended. */
export function isTerminalStatus(status: string): boolean {
  return status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED'
}

// Compile-time check that each plain type above has exactly the fields of
// the generated model it mirrors: a Go field renamed, added or removed fails
// type checking here (issue 9.6), as types.ts does for the onboarding models.
export type CatalogModelsMatch = [
  SameKeys<Fields<catalog.Tag>, Tag>,
  SameKeys<Fields<catalog.EntitySummary>, EntitySummary>,
  SameKeys<Fields<app.EntitiesView>, EntitiesView>,
  SameKeys<Fields<app.TagsUpdate>, TagsUpdate>,
  SameKeys<Fields<app.TagProblem>, TagProblem>,
  SameKeys<Fields<app.BulkRequest>, BulkRequest>,
  SameKeys<Fields<app.TagChangeView>, TagChangeView>,
  SameKeys<Fields<app.DiffView>, DiffView>,
  SameKeys<Fields<catalog.Failure>, BulkFailure>,
  SameKeys<Fields<app.BulkPreviewView>, BulkPreview>,
  SameKeys<Fields<app.BulkEstimateView>, BulkEstimate>,
  SameKeys<Fields<app.TagReadView>, TagRead>,
  SameKeys<Fields<app.BulkView>, BulkView>,
  SameKeys<Fields<app.BulkJobView>, BulkJob>,
  SameKeys<Fields<app.ChangeView>, ChangeView>,
  SameKeys<Fields<app.ChangeSetRequest>, ChangeSetRequest>,
  SameKeys<Fields<app.ChangeSetTemplate>, ChangeSetTemplate>,
  SameKeys<Fields<app.ChangeResultView>, ChangeResultView>,
  SameKeys<Fields<app.ChangeSetView>, ChangeSetView>,
  SameKeys<Fields<app.ChangeSetFilter>, ChangeSetFilter>,
  SameKeys<Fields<app.ChangeSetSummaryView>, ChangeSetSummary>,
  SameKeys<Fields<app.PatternView>, PatternView>,
  SameKeys<Fields<app.PolicyRequest>, PolicyRequest>,
  SameKeys<Fields<app.FindingView>, FindingView>,
  SameKeys<Fields<app.LintView>, LintView>,
  SameKeys<Fields<app.BuiltPolicy>, BuiltPolicy>,
  SameKeys<Fields<app.AdviceView>, AdviceView>,
  SameKeys<Fields<iamdeploy.Principal>, Principal>,
  SameKeys<Fields<iamdeploy.Result>, DeployResult>,
  SameKeys<Fields<resale.Step>, ResaleStep>,
  SameKeys<Fields<app.ResaleView>, ResaleView>,
]
const catalogModelsMatch: CatalogModelsMatch = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true]
void catalogModelsMatch
