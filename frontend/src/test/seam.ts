// Test doubles for the two seam modules (src/api/backend.ts, src/api/events.ts).
// Use in a test file:
//   vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
//   vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())
import { vi } from 'vitest'
import {
  checkedTime,
  errorKinds,
  errorMessage,
  errorReference,
  errorTitles,
  isErrorKind,
  toErrorView,
  type AppInfo,
  type ChangePreview,
  type ConnectionState,
  type DriftReport,
  type DriftView,
  type FieldError,
  type LaunchForm,
  type MFAPrompt,
  type Notice,
  type ProfileView,
  type RetryForm,
  type Review,
  type ScenarioView,
  type SSODeviceCode,
  type SSOResult,
  type StackEvent,
  type StackRecord,
  type StackView,
  type Tile,
  type TilesView,
} from '@/api/types'
import type {
  AdviceView,
  BuiltPolicy,
  BulkJob,
  BulkPreview,
  BulkEstimate,
  BulkKind,
  TagRead,
  BulkRequest,
  BulkView,
  ChangeSetFilter,
  ChangeSetRequest,
  ChangeSetSummary,
  ChangeSetTemplate,
  ChangeSetView,
  DeployResult,
  EntitiesView,
  EntitySummary,
  LintView,
  PatternView,
  PolicyRequest,
  Principal,
  ResaleView,
  Tag,
  TagProblem,
  TagsUpdate,
} from '@/api/catalogTypes'
import { isTerminalStatus } from '@/api/catalogTypes'

type Listener = (payload: never) => void
const listeners = new Map<string, Set<Listener>>()

function listen<T>(name: string) {
  return (cb: (p: T) => void) => {
    const set = listeners.get(name) ?? new Set<Listener>()
    listeners.set(name, set)
    set.add(cb as Listener)
    return () => set.delete(cb as Listener)
  }
}

export const backend = {
  getState: vi.fn<() => Promise<ConnectionState>>(),
  listProfiles: vi.fn<() => Promise<ProfileView[]>>(),
  listScenarios: vi.fn<() => Promise<ScenarioView[]>>(),
  useSandbox: vi.fn<(name: string) => Promise<ConnectionState>>(),
  useProfile: vi.fn<(name: string) => Promise<ConnectionState>>(),
  refreshIdentity: vi.fn<() => Promise<ConnectionState>>(),
  resetScenario: vi.fn<() => Promise<ConnectionState>>(),
  demoSpeed: vi.fn<() => Promise<number>>(),
  setDemoSpeed: vi.fn<(scale: number) => Promise<number>>(),
  submitMfaCode: vi.fn<(id: string, code: string) => Promise<void>>(),
  cancelMfa: vi.fn<(id: string) => Promise<void>>(),
  ssoLogin: vi.fn<(profile: string) => Promise<void>>(),
  about: vi.fn<() => Promise<AppInfo>>(),
  notices: vi.fn<() => Promise<Notice[]>>(),
  ready: vi.fn<(domToTilesMs: number, domToFrameMs: number) => Promise<void>>(),
  reviewStack: vi.fn<(form: LaunchForm) => Promise<Review>>(),
  templateBody: vi.fn<() => Promise<string>>(),
  validateLaunch: vi.fn<(form: LaunchForm) => Promise<FieldError[]>>(),
  onboardingState: vi.fn<() => Promise<StackView>>(),
  launchStack: vi.fn<(form: LaunchForm) => Promise<StackView>>(),
  retryStack: vi.fn<(form: LaunchForm) => Promise<StackView>>(),
  retryForm: vi.fn<() => Promise<RetryForm>>(),
  deleteStack: vi.fn<() => Promise<StackView>>(),
  followStack: vi.fn<(stackName?: string) => Promise<StackView>>(),
  previewUpdate: vi.fn<() => Promise<ChangePreview>>(),
  executeUpdate: vi.fn<(changeSetId: string) => Promise<StackView>>(),
  recheckStack: vi.fn<() => Promise<StackView>>(),
  checkDrift: vi.fn<() => Promise<StackView>>(),
  restoreDrift: vi.fn<() => Promise<StackView>>(),
  tilesState: vi.fn<() => Promise<TilesView>>(),
  refreshTiles: vi.fn<() => Promise<TilesView>>(),
  testCas: vi.fn<() => Promise<TilesView>>(),
  testSdds: vi.fn<() => Promise<TilesView>>(),
  testNotifications: vi.fn<() => Promise<TilesView>>(),
  setEnrolled: vi.fn<(tile: 'cas' | 'sdds', enrolled: boolean) => Promise<TilesView>>(),
  confirmSeller: vi.fn<(confirmed: boolean) => Promise<TilesView>>(),
  // Catalog
  catalogEntities: vi.fn<() => Promise<EntitiesView>>(),
  refreshEntities: vi.fn<(full?: boolean) => Promise<EntitiesView>>(),
  allTags: vi.fn<() => Promise<Record<string, Tag[]>>>(),
  readTags: vi.fn<(arn: string) => Promise<TagsUpdate>>(),
  loadTags: vi.fn<(arns: string[]) => Promise<void>>(),
  estimateBulk: vi.fn<(kind: BulkKind, arns: string[]) => Promise<BulkEstimate>>(),
  readAllTags: vi.fn<() => Promise<TagRead>>(),
  checkTags: vi.fn<(tags: Tag[]) => Promise<TagProblem[]>>(),
  saveTags: vi.fn<(arn: string, tags: Tag[]) => Promise<TagsUpdate>>(),
  previewBulk: vi.fn<(req: BulkRequest) => Promise<BulkPreview>>(),
  startBulk: vi.fn<(req: BulkRequest) => Promise<BulkView>>(),
  resumeBulk: vi.fn<(jobId: string) => Promise<BulkView>>(),
  stopBulk: vi.fn<() => Promise<void>>(),
  bulkState: vi.fn<() => Promise<BulkView>>(),
  bulkJobs: vi.fn<() => Promise<BulkJob[]>>(),
  changeSetTemplates: vi.fn<() => Promise<ChangeSetTemplate[]>>(),
  validateChangeSet: vi.fn<(req: ChangeSetRequest) => Promise<string>>(),
  startChangeSet: vi.fn<(req: ChangeSetRequest) => Promise<ChangeSetView>>(),
  describeChangeSet: vi.fn<(id: string) => Promise<ChangeSetView>>(),
  cancelChangeSet: vi.fn<(id: string) => Promise<ChangeSetView>>(),
  listChangeSets: vi.fn<(filter: ChangeSetFilter) => Promise<ChangeSetSummary[]>>(),
  // Policies
  policyPatterns: vi.fn<() => Promise<PatternView[]>>(),
  policyAccount: vi.fn<() => Promise<string>>(),
  buildPolicy: vi.fn<(req: PolicyRequest) => Promise<BuiltPolicy>>(),
  lintPolicy: vi.fn<(doc: string) => Promise<LintView>>(),
  managedPolicies: vi.fn<() => Promise<AdviceView[]>>(),
  savePolicy: vi.fn<(doc: string, name: string) => Promise<string>>(),
  principals: vi.fn<() => Promise<Principal[]>>(),
  createPolicy: vi.fn<(name: string, doc: string, to: Principal | null) => Promise<DeployResult>>(),
  ensureResaleRole: vi.fn<() => Promise<ResaleView>>(),
  resaleSteps: vi.fn<() => Promise<string[]>>(),
  resalePolicy: vi.fn<() => Promise<{ policy: string; trust: string }>>(),
}

export const events = {
  onSessionChanged: vi.fn(listen<ConnectionState>('session:changed')),
  onMfaPrompt: vi.fn(listen<MFAPrompt>('mfa:prompt')),
  onMfaClosed: vi.fn(listen<string>('mfa:closed')),
  onSsoDeviceCode: vi.fn(listen<SSODeviceCode>('sso:device-code')),
  onSsoDone: vi.fn(listen<SSOResult>('sso:done')),
  onOnboardingChanged: vi.fn(listen<StackView>('onboarding:changed')),
  onTilesChanged: vi.fn(listen<TilesView>('tiles:changed')),
  onCatalogEntities: vi.fn(listen<EntitiesView>('catalog:entities')),
  onCatalogTags: vi.fn(listen<TagsUpdate>('catalog:tags')),
  onCatalogBulk: vi.fn(listen<BulkView>('catalog:bulk')),
  onCatalogChangeSet: vi.fn(listen<ChangeSetView>('catalog:changeset')),
  setWindowTitle: vi.fn<(title: string) => void>(),
  openURL: vi.fn<(url: string) => void>(),
  copyText: vi.fn<(text: string) => Promise<boolean>>(),
}

export function backendModule() {
  return { ...backend, errorMessage, errorReference, toErrorView, errorKinds, errorTitles, isErrorKind, checkedTime, isTerminalStatus }
}

export function eventsModule() {
  return {
    ...events,
    EventSessionChanged: 'session:changed',
    EventMFAPrompt: 'mfa:prompt',
    EventMFAClosed: 'mfa:closed',
    EventSSODeviceCode: 'sso:device-code',
    EventSSODone: 'sso:done',
    EventOnboardingChanged: 'onboarding:changed',
    EventTilesChanged: 'tiles:changed',
    EventCatalogEntities: 'catalog:entities',
    EventCatalogTags: 'catalog:tags',
    EventCatalogBulk: 'catalog:bulk',
    EventCatalogChangeSet: 'catalog:changeset',
  }
}

/** Delivers an event as the Go side would emit it. */
export function emit(name: 'session:changed', payload: ConnectionState): void
export function emit(name: 'mfa:prompt', payload: MFAPrompt): void
export function emit(name: 'mfa:closed', requestId: string): void
export function emit(name: 'sso:device-code', payload: SSODeviceCode): void
export function emit(name: 'sso:done', payload: SSOResult): void
export function emit(name: 'onboarding:changed', payload: StackView): void
export function emit(name: 'tiles:changed', payload: TilesView): void
export function emit(name: 'catalog:entities', payload: EntitiesView): void
export function emit(name: 'catalog:tags', payload: TagsUpdate): void
export function emit(name: 'catalog:bulk', payload: BulkView): void
export function emit(name: 'catalog:changeset', payload: ChangeSetView): void
export function emit(name: string, payload: unknown): void {
  listeners.get(name)?.forEach((l) => (l as (p: unknown) => void)(payload))
}

export function listenerCount(name: string): number {
  return listeners.get(name)?.size ?? 0
}

// --- fixtures ---

export const identity = {
  account: '123456789012',
  arn: 'arn:aws:iam::123456789012:user/alice',
  userId: 'AIDAEXAMPLE',
  region: 'us-east-1',
  profile: '',
  checkedAt: '2026-01-01T10:00:00Z',
  stale: false,
}

export function sandboxState(over: Partial<ConnectionState> = {}): ConnectionState {
  return {
    target: { kind: 'sandbox', name: 'fresh', region: 'us-east-1', endpoint: 'http://127.0.0.1:4566', label: 'Sandbox — offline (fresh)' },
    identity: { ...identity },
    error: null,
    busy: false,
    ...over,
  }
}

export function profileState(name: string, over: Partial<ConnectionState> = {}): ConnectionState {
  return {
    target: { kind: 'profile', name, region: 'eu-west-1', endpoint: '', label: `Profile ${name}` },
    identity: { ...identity, profile: name, region: 'eu-west-1' },
    error: null,
    busy: false,
    ...over,
  }
}

export const scenarios: ScenarioView[] = [
  { name: 'fresh', description: 'A new AWS account that is a registered seller, nothing set up yet.' },
  { name: 'not-seller', description: 'An account that is not registered as a seller.' },
]

export const profiles: ProfileView[] = [
  { name: 'dev', kind: 'static', region: 'us-east-1', sources: ['credentials'], problem: '' },
  { name: 'corp-sso', kind: 'sso', region: 'eu-west-1', sources: ['config'], problem: '' },
  { name: 'broken', kind: 'assume-role', region: '', sources: ['config'], problem: 'source_profile "nope" does not exist' },
]

/** Resets every double to a working sandbox backend. */
export function resetSeam(state: ConnectionState = sandboxState()): void {
  listeners.clear()
  for (const fn of Object.values(backend)) fn.mockReset()
  for (const fn of Object.values(events)) fn.mockClear()
  backend.getState.mockResolvedValue(state)
  backend.listProfiles.mockResolvedValue(profiles)
  backend.listScenarios.mockResolvedValue(scenarios)
  backend.useSandbox.mockImplementation(async (name) => sandboxState({ target: { ...sandboxState().target!, name } }))
  backend.useProfile.mockImplementation(async (name) => profileState(name))
  backend.refreshIdentity.mockImplementation(async () => ({ ...state, identity: state.identity && { ...state.identity, stale: false } }))
  backend.resetScenario.mockImplementation(async () => ({ ...state, identity: state.identity && { ...state.identity, stale: false } }))
  backend.demoSpeed.mockResolvedValue(1)
  backend.setDemoSpeed.mockImplementation(async (scale) => scale)
  backend.submitMfaCode.mockResolvedValue(undefined)
  backend.cancelMfa.mockResolvedValue(undefined)
  backend.ssoLogin.mockResolvedValue(undefined)
  backend.about.mockResolvedValue({
    name: 'SellerDesk', version: '0.1.0-test', goVersion: 'go1.25.0', platform: 'linux/amd64',
    dataDir: '/home/u/.config/SellerDesk', stateFile: '/home/u/.config/SellerDesk/state.db', logFile: '/home/u/.config/SellerDesk/sellerdesk.log',
  })
  backend.notices.mockResolvedValue([])
  backend.ready.mockResolvedValue(undefined)
  events.copyText.mockResolvedValue(true)
  backend.onboardingState.mockResolvedValue(stackView(null))
  backend.reviewStack.mockImplementation(async (form) => review(form))
  backend.templateBody.mockResolvedValue(TEMPLATE_BODY)
  backend.validateLaunch.mockImplementation(async (form) => validate(form))
  backend.launchStack.mockImplementation(async (form) => stackView(record('launching', { stackName: form.stackName })))
  backend.retryStack.mockImplementation(async (form) => stackView(record('deleting', { stackName: form.stackName })))
  backend.retryForm.mockResolvedValue({
    form: { stackName: 'SellerDesk-Onboarding', partnerAccountId: '210987654321', externalId: 'ext-1', reportUrl: '', leastPrivilege: false,
      casBucketName: '', sddsBucketName: '', acknowledged: false },
    problem: 'The CAS bucket name is taken. (AWS said: sellerdesk-cas already exists)',
    field: 'casBucketName',
  })
  backend.deleteStack.mockImplementation(async () => stackView(record('deleting')))
  backend.followStack.mockImplementation(async (name) => stackView(record('launching', { stackName: name || 'SellerDesk-Onboarding' })))
  backend.previewUpdate.mockResolvedValue(changePreview())
  backend.executeUpdate.mockImplementation(async () => stackView(record('launching', { operation: 'update' })))
  backend.recheckStack.mockImplementation(async () => stackView(record('connected')))
  backend.checkDrift.mockImplementation(async () => stackView(record('connected'), { drift: driftView({ checking: true }) }))
  backend.restoreDrift.mockImplementation(async () => stackView(record('connected'), { drift: driftView({ checking: true, restoring: true }) }))
  backend.tilesState.mockResolvedValue(tilesView([]))
  backend.refreshTiles.mockImplementation(async () => tilesView(freshTiles()))
  backend.testCas.mockImplementation(async () => tilesView(freshTiles()))
  backend.testSdds.mockImplementation(async () => tilesView(freshTiles()))
  backend.testNotifications.mockImplementation(async () => tilesView(freshTiles()))
  backend.setEnrolled.mockImplementation(async (_t, on) => tilesView(freshTiles(), { sddsEnrolled: on }))
  backend.confirmSeller.mockImplementation(async (on) => tilesView(freshTiles(), { sellerConfirmed: on }))
  resetCatalogSeam()
}

// --- catalog fixtures ---

export function entity(type: string, i: number, over: Partial<EntitySummary> = {}): EntitySummary {
  const id = `${type.toLowerCase()}-${String(i).padStart(4, '0')}`
  return {
    type, id, name: `${type} ${i}`, visibility: 'Public',
    arn: `arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/${type}/${id}`,
    lastModified: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString().replace('.000Z', 'Z'),
    ...over,
  }
}

export function entitiesView(entities: EntitySummary[], over: Partial<EntitiesView> = {}): EntitiesView {
  return { entities, count: entities.length, version: 1, refreshing: false, stale: false, refreshedAt: '2026-01-01T10:00:00Z', error: null, ...over }
}

export function bulkView(over: Partial<BulkView> = {}): BulkView {
  return { phase: 'idle', jobId: '', kind: '', read: 0, done: 0, failed: 0, total: 0, throttled: 0, rate: 0, etaSeconds: 0, succeeded: [], failures: [], error: null, ...over }
}

export function changeSetView(over: Partial<ChangeSetView> = {}): ChangeSetView {
  return { id: 'cs-1', arn: 'arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/ChangeSet/cs-1', name: '', status: 'PREPARING',
    failureCode: '', failureDescription: '', startTime: '2026-01-01T10:00:00Z', endTime: '', changes: [], watching: true, ...over }
}

export const changeSetTemplatesFixture: ChangeSetTemplate[] = [
  { id: 'update-information', title: 'Update product information, with a change-set tag', description: 'UpdateInformation', needsEntity: 'product',
    request: { name: '', changes: [{ changeType: 'UpdateInformation', entityType: 'AmiProduct@1.0', entityId: '', details: '{"ProductTitle":"My updated title"}', entityTags: [] }],
      changeSetTags: [{ key: 'product-team', value: 'team-xyz' }] } },
  { id: 'create-experience', title: 'Create a private marketplace experience, tagging entity and change set', description: 'CreateExperience', needsEntity: '',
    request: { name: '', changes: [{ changeType: 'CreateExperience', entityType: 'Experience@1.0', entityId: '', details: '{"Name": "ExamplePrivateMarketplace"}', entityTags: [{ key: 'product-team', value: 'team-xyz' }] }],
      changeSetTags: [{ key: 'product-team', value: 'team-xyz' }] } },
]

/** Resets the catalog and policy doubles to a working, empty catalog. */
export function resetCatalogSeam(): void {
  backend.catalogEntities.mockResolvedValue(entitiesView([], { stale: true, refreshedAt: '' }))
  backend.refreshEntities.mockResolvedValue(entitiesView([]))
  backend.allTags.mockResolvedValue({})
  backend.readTags.mockImplementation(async (arn) => ({ arn, tags: [], at: '2026-01-01T10:00:00Z' }))
  backend.loadTags.mockResolvedValue(undefined)
  backend.checkTags.mockResolvedValue([])
  backend.saveTags.mockImplementation(async (arn, tags) => ({ arn, tags, at: '2026-01-01T10:00:00Z' }))
  backend.previewBulk.mockImplementation(async (req) => ({ changes: req.arns.map((arn) => ({ arn, added: req.tags, changed: [], removed: [], readAt: '' })), unchanged: [], errors: [], changedArns: req.arns, known: 0, oldest: '' }))
  backend.estimateBulk.mockImplementation(async (_kind, arns) => ({ count: arns.length, known: 0, reads: arns.length, writes: arns.length, seconds: arns.length * 0.4, text: `about ${Math.ceil(arns.length * 0.4)} s` }))
  backend.readAllTags.mockResolvedValue({ queued: 0, seconds: 0, text: 'under a second' })
  backend.startBulk.mockImplementation(async (req) => bulkView({ phase: 'running', kind: req.kind, total: req.arns.length }))
  backend.resumeBulk.mockImplementation(async (id) => bulkView({ phase: 'running', jobId: id }))
  backend.stopBulk.mockResolvedValue(undefined)
  backend.bulkState.mockResolvedValue(bulkView())
  backend.bulkJobs.mockResolvedValue([])
  backend.changeSetTemplates.mockResolvedValue(changeSetTemplatesFixture)
  backend.validateChangeSet.mockResolvedValue('')
  backend.startChangeSet.mockResolvedValue(changeSetView())
  backend.describeChangeSet.mockImplementation(async (id) => changeSetView({ id }))
  backend.cancelChangeSet.mockImplementation(async (id) => changeSetView({ id, status: 'CANCELLED', watching: false }))
  backend.listChangeSets.mockResolvedValue([])
  backend.policyPatterns.mockResolvedValue([])
  backend.policyAccount.mockResolvedValue('123456789012')
  backend.buildPolicy.mockResolvedValue({ json: '{}', lint: { findings: [], hasErrors: false, parseError: '' } })
  backend.lintPolicy.mockResolvedValue({ findings: [], hasErrors: false, parseError: '' })
  backend.managedPolicies.mockResolvedValue([])
  backend.savePolicy.mockResolvedValue('')
  backend.principals.mockResolvedValue([])
  backend.createPolicy.mockResolvedValue({ policyArn: 'arn:aws:iam::123456789012:policy/p', action: 'created', attachedTo: '', attachAction: '', message: 'Created.' })
  backend.ensureResaleRole.mockResolvedValue({ report: { policyArn: '', roleArn: '', steps: [] }, inPlace: false, message: 'Done.' })
  backend.resaleSteps.mockResolvedValue([])
  backend.resalePolicy.mockResolvedValue({ policy: '{}', trust: '{}' })
}

// --- onboarding fixtures ---

export const TEMPLATE_BODY = 'AWSTemplateFormatVersion: "2010-09-09"\nDescription: SellerDesk onboarding\nResources:\n  PartnerRole:\n    Type: AWS::IAM::Role\n'

/** A minimal Go-like Validate: the same fields and the first words of its messages. */
export function validate(f: LaunchForm): FieldError[] {
  const out: FieldError[] = []
  if (!f.stackName.trim()) out.push({ field: 'stackName', message: 'Stack name is required' })
  else if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(f.stackName.trim())) out.push({ field: 'stackName', message: 'Stack name may contain only letters, digits and hyphens' })
  const id = f.partnerAccountId.trim()
  if (!id) out.push({ field: 'partnerAccountId', message: "Partner account ID is required: the partner's 12-digit AWS account ID" })
  else if (!/^\d{12}$/.test(id)) out.push({ field: 'partnerAccountId', message: `Partner account ID must be exactly 12 digits; got ${id.length}` })
  const ext = f.externalId.trim()
  if (!ext) out.push({ field: 'externalId', message: 'External ID is required: the partner gives you this value' })
  else if (!/^[\w+=,.@:/-]{2,1224}$/.test(ext)) out.push({ field: 'externalId', message: 'External ID may contain only letters, digits and _ + = , . @ : / -' })
  const url = f.reportUrl.trim()
  if (url && !/^https:\/\/\S+$/.test(url)) out.push({ field: 'reportUrl', message: 'Report URL must start with https:// so the stack outputs travel encrypted' })
  for (const [field, v] of [['casBucketName', f.casBucketName], ['sddsBucketName', f.sddsBucketName]] as const) {
    if (v.trim() && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v.trim())) out.push({ field, message: 'must be a valid S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens)' })
  }
  if (!f.acknowledged) out.push({ field: 'acknowledged', message: 'Tick the acknowledgement: this stack creates IAM roles and policies with custom names.' })
  return out
}

/** A review shaped like template.DescribeFor's, for a few resources of each group. */
export function review(f: Partial<LaunchForm> = {}): Review {
  const acct = f.partnerAccountId || '000000000000'
  const ext = f.externalId || 'ext'
  const reporter = !f.reportUrl
  const when = 'only if Report URL is not empty'
  return {
    defaultStackName: 'SellerDesk-Onboarding',
    summary: {
      version: '2026-11-22.1',
      description: 'SellerDesk onboarding',
      capabilities: ['CAPABILITY_NAMED_IAM'],
      parameters: [],
      conditions: [{ name: 'HasReportUrl', text: 'Report URL is not empty', value: !reporter }],
      resources: [
        {
          logicalId: 'PartnerRole', type: 'AWS::IAM::Role', title: 'IAM role the partner assumes',
          why: 'The partner works in your account only through this role.', name: 'SellerDeskPartnerRole', retained: false,
          statements: [{
            policy: 'Trust policy', sid: 'PartnerAssumeRoleWithExternalId', effect: 'Allow', actions: ['sts:AssumeRole'],
            principals: [`AWS: arn:aws:iam::${acct}:root`], conditions: [`StringEquals sts:ExternalId = ${ext}`],
            text: `Allows the partner's AWS account ${acct} to assume this role, only when it presents the external ID ${ext}.`,
          }],
        },
        {
          logicalId: 'ReporterFunctionRole', type: 'AWS::IAM::Role', title: 'Execution role of the one-time report function',
          why: 'Lets the report function write its logs.', condition: 'HasReportUrl', when, skipped: reporter, retained: false,
          managedPolicies: ['AWS managed policy AWSLambdaBasicExecutionRole (write its own logs to CloudWatch Logs)'],
          statements: [{ policy: 'Trust policy', sid: '', effect: 'Allow', actions: ['sts:AssumeRole'], principals: ['Service: lambda.amazonaws.com'],
            text: 'Allows the AWS Lambda service (lambda.amazonaws.com) to assume this role.' }],
        },
        {
          logicalId: 'ReporterFunction', type: 'AWS::Lambda::Function', title: 'One-time report function',
          why: 'Posts the stack outputs once to the report URL.', condition: 'HasReportUrl', when, skipped: reporter, retained: false,
        },
        { logicalId: 'PartnerQueue', type: 'AWS::SQS::Queue', title: 'Queue for marketplace, CAS and data-feed notifications', why: 'Notifications wait here for the partner.', retained: false },
        {
          logicalId: 'MarketplaceAccessPolicy', type: 'AWS::IAM::Policy', title: 'Marketplace seller access for the partner', why: 'Lets the partner manage your listings.', retained: false,
          statements: [{
            policy: 'Permissions policy MarketplaceAccess', sid: 'MarketplaceFullAccess', effect: 'Allow',
            actions: f.leastPrivilege ? ['aws-marketplace:DescribeEntity', 'aws-marketplace:ListEntities'] : ['aws-marketplace:*', 'aws-marketplace-management:*', 'vendor-insights:*'],
            resources: ['*'],
            text: f.leastPrivilege ? 'Allows the role PartnerRole to call AWS Marketplace DescribeEntity and ListEntities on any resource.'
              : 'Allows the role PartnerRole to perform every AWS Marketplace action on any resource.',
          }],
        },
        { logicalId: 'CasBucket', type: 'AWS::S3::Bucket', title: 'Bucket for Commerce Analytics Service (CAS) data sets', why: 'CAS delivers here.', retained: true },
        {
          logicalId: 'SddsKey', type: 'AWS::KMS::Key', title: 'Encryption key for Seller Data Feeds', why: 'Encrypts the feeds.', retained: true,
          statements: [{
            policy: 'Key policy', sid: 'AllowMarketplaceReports', effect: 'Allow', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: ['*'],
            principals: ['Service: reports.marketplace.amazonaws.com'], conditions: ['StringEquals aws:SourceAccount = ${AWS::AccountId}'],
            text: 'Allows AWS Marketplace reporting (reports.marketplace.amazonaws.com) to call AWS KMS GenerateDataKey and Decrypt on this key, only when acting on behalf of your account.',
          }],
        },
        {
          logicalId: 'S3AccessPolicy', type: 'AWS::IAM::Policy', title: 'Lets the partner read the report buckets', why: 'The partner reads CAS and SDDS files.', retained: false,
          statements: [{ policy: 'Permissions policy S3Access', sid: 'Deny', effect: 'Deny', actions: ['s3:DeleteObject'], resources: ['arn:aws:s3:::${CasBucket}/*'],
            text: 'Denies the role PartnerRole Amazon S3 DeleteObject on arn:aws:s3:::${CasBucket}/*.' }],
        },
      ],
      outputs: [
        { name: 'PartnerRoleArn', description: 'ARN of the role the partner assumes.', value: '${PartnerRole.Arn}' },
        { name: 'QueueUrl', description: 'URL of the notification queue.', value: '${PartnerQueue}' },
      ],
    },
  }
}

export const T0 = '2026-01-01T10:00:00Z'

export function stackEvent(i: number, over: Partial<StackEvent> = {}): StackEvent {
  return {
    id: `ev-${i}`, time: `2026-01-01T10:00:${String(i).padStart(2, '0')}Z`, logicalId: 'PartnerRole', physicalId: '',
    type: 'AWS::IAM::Role', status: 'CREATE_IN_PROGRESS', reason: '', ...over,
  }
}

export const OUTPUTS: Record<string, string> = {
  PartnerRoleArn: 'arn:aws:iam::123456789012:role/SellerDeskPartnerRole',
  QueueArn: 'arn:aws:sqs:us-east-1:123456789012:SellerDesk-Onboarding-PartnerQueue',
  QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/SellerDesk-Onboarding-PartnerQueue',
  CasBucketName: 'sellerdesk-onboarding-casbucket-1a2b3c',
  CasTopicArn: 'arn:aws:sns:us-east-1:123456789012:SellerDesk-Onboarding-CasTopic',
  SddsBucketArn: 'arn:aws:s3:::sellerdesk-onboarding-sddsbucket-4d5e6f',
  SddsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1111-2222',
  SddsTopicArn: 'arn:aws:sns:us-east-1:123456789012:SellerDesk-Onboarding-SddsTopic',
  TemplateVersion: '2026-11-22.1',
}

/** A Record in the given phase, filled in as the Go side fills it. */
export function record(phase: StackRecord['phase'], over: Partial<StackRecord> = {}): StackRecord {
  const base: StackRecord = {
    targetKey: 'sandbox:fresh', stackName: 'SellerDesk-Onboarding',
    stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/SellerDesk-Onboarding/abc', phase,
    status: 'CREATE_IN_PROGRESS', statusReason: '', operation: 'create', templateVersion: '2026-11-22.1',
    params: { partnerAccountId: '210987654321', externalId: 'partner-ext-1', partnerRoleName: 'SellerDeskPartnerRole', partnerSnsPrefix: 'partner',
      reportUrl: '', leastPrivilege: false, casBucketName: '', sddsBucketName: '' },
    total: 24, done: 0, events: [], failure: null, rolledBack: false, outputs: {}, checks: [], startedAt: T0, updatedAt: T0,
  }
  switch (phase) {
    case 'launching':
      Object.assign(base, { done: 7, events: [stackEvent(1, { logicalId: 'SellerDesk-Onboarding', type: 'AWS::CloudFormation::Stack', reason: 'User Initiated' }),
        stackEvent(2), stackEvent(3, { logicalId: 'PartnerQueue', type: 'AWS::SQS::Queue', status: 'CREATE_COMPLETE' })] })
      break
    case 'verifying':
      Object.assign(base, { done: 24, status: 'CREATE_COMPLETE', outputs: { ...OUTPUTS } })
      break
    case 'connected':
      Object.assign(base, {
        done: 24, status: 'CREATE_COMPLETE', outputs: { ...OUTPUTS },
        events: [stackEvent(1, { status: 'CREATE_COMPLETE' }), stackEvent(2, { logicalId: 'SellerDesk-Onboarding', type: 'AWS::CloudFormation::Stack', status: 'CREATE_COMPLETE' })],
        checks: [
          { name: 'iam:GetRole', ok: true, detail: 'The role SellerDeskPartnerRole exists and trusts account 210987654321.' },
          { name: 'iam:ListRolePolicies', ok: true, detail: '7 policies attached.' },
          { name: 'iam:GetRolePolicy', ok: true, detail: 'Every policy grants what the template says.' },
        ],
      })
      break
    case 'error':
      Object.assign(base, {
        done: 9, status: 'ROLLBACK_COMPLETE', rolledBack: true,
        events: [
          stackEvent(1, { logicalId: 'CasBucket', type: 'AWS::S3::Bucket', status: 'CREATE_FAILED', reason: 'sellerdesk-cas already exists' }),
          stackEvent(2, { logicalId: 'SellerDesk-Onboarding', type: 'AWS::CloudFormation::Stack', status: 'ROLLBACK_IN_PROGRESS', reason: 'The following resource(s) failed to create: [CasBucket].' }),
          stackEvent(3, { logicalId: 'SellerDesk-Onboarding', type: 'AWS::CloudFormation::Stack', status: 'ROLLBACK_COMPLETE' }),
        ],
        failure: { logicalId: 'CasBucket', type: 'AWS::S3::Bucket', reason: 'sellerdesk-cas already exists',
          plain: 'The CAS bucket name is taken by another AWS account. Leave the bucket name empty so CloudFormation picks one, then Retry.' },
      })
      break
    case 'deleting':
      Object.assign(base, { operation: 'delete', status: 'DELETE_IN_PROGRESS', done: 3,
        events: [stackEvent(1, { logicalId: 'SellerDesk-Onboarding', type: 'AWS::CloudFormation::Stack', status: 'DELETE_IN_PROGRESS', reason: 'User Initiated' })] })
      break
    case 'not-connected':
      Object.assign(base, { status: 'DELETE_COMPLETE', operation: 'delete' })
      break
  }
  return { ...base, ...over }
}

export function stackView(rec: StackRecord | null, over: Partial<StackView> = {}): StackView {
  return { record: rec, needsUpdate: false, appTemplate: '2026-11-22.1', watching: rec !== null && ['launching', 'verifying', 'deleting'].includes(rec.phase), error: null, existing: null,
    drift: driftView(), ...over }
}

export function driftView(over: Partial<DriftView> = {}): DriftView {
  return { checking: false, restoring: false, elapsedSeconds: 0, error: null, restore: null, ...over }
}

/** A drift report: in sync, or the partner role's trust principal changed. */
export function driftReport(drifted: boolean, over: Partial<DriftReport> = {}): DriftReport {
  return {
    stackName: 'SellerDesk-Onboarding', detectionId: 'd-1', status: drifted ? 'DRIFTED' : 'IN_SYNC', checkedAt: T0,
    resources: drifted ? [{ logicalId: 'PartnerRole', physicalId: 'SellerDeskPartnerRole', type: 'AWS::IAM::Role', status: 'MODIFIED', plain: '',
      differences: [{ path: '/AssumeRolePolicyDocument/Statement/0/Principal/AWS', expected: 'arn:aws:iam::210987654321:root', actual: 'arn:aws:iam::444455556666:root',
        kind: 'NOT_EQUAL', plain: "the trust policy's principal changed from arn:aws:iam::210987654321:root to arn:aws:iam::444455556666:root" }] }] : [],
    ...over,
  }
}

export function changePreview(over: Partial<ChangePreview> = {}): ChangePreview {
  return {
    changeSetId: 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/SellerDesk-update/1',
    fromVersion: '2026-10-01.1', toVersion: '2026-11-22.1',
    changes: [
      { action: 'Modify', logicalId: 'MarketplaceAccessPolicy', type: 'AWS::IAM::Policy', replacement: 'False' },
      { action: 'Add', logicalId: 'SddsKeyAlias', type: 'AWS::KMS::Alias', replacement: '' },
      { action: 'Modify', logicalId: 'PartnerQueue', type: 'AWS::SQS::Queue', replacement: 'True' },
    ],
    ...over,
  }
}

// --- tiles fixtures ---

export const SELLER_GUIDE = 'https://docs.aws.amazon.com/marketplace/latest/userguide/seller-registration-process.html'
export const CAS_SOURCE = 'https://docs.aws.amazon.com/marketplace/latest/userguide/Reporting.html'
export const CAS_NOTE = 'AWS Marketplace discontinued the Commerce Analytics Service (CAS) API, with the legacy seller reports, on 30 August 2024 (AWS Seller Guide, "Reporting").'

/** A tile shaped as internal/tiles builds it. */
export function tile(id: string, state: string, over: Partial<Tile> = {}): Tile {
  const base: Tile = { id, required: id !== 'cas', state, summary: '', fields: [], checks: [], checkedAt: new Date().toISOString(), stale: false, source: '', notes: [] }
  if (id === 'seller') {
    base.notes = [{ text: 'AWS Marketplace seller registration guide', link: SELLER_GUIDE }]
    base.checks = [{ name: 'Marketplace Catalog probe (ListEntities, OwnershipType SELF)', status: 'passed', detail: 'AWS Marketplace lists 1 SaaSProduct owned by this account.', fix: '', code: '' }]
    if (state === 'completed') {
      base.source = 'detected'
      base.summary = 'AWS Marketplace lists a SaaSProduct owned by this account.'
    } else if (state === 'not-registered') {
      base.summary = 'Not registered: AWS Marketplace refused this account as a seller (AccessDeniedException).'
      base.checks = [{ name: 'Marketplace Catalog probe (ListEntities, OwnershipType SELF)', status: 'failed', detail: 'AWS Marketplace refused the account.', fix: 'Register as a seller in the AWS Marketplace Management Portal.', code: 'AccessDeniedException' }]
    } else {
      base.summary = 'Unknown: this account owns no listed product yet, which is inconclusive. If you completed seller registration, confirm it.'
    }
  }
  if (id === 'cas') {
    base.fields = [
      { label: 'S3 bucket name', value: 'sellerdesk-onboarding-casbucket-1a2b3c', copy: true },
      { label: 'SNS topic ARN', value: 'arn:aws:sns:us-east-1:123456789012:SellerDesk-Onboarding-CasTopic', copy: true },
    ]
    base.notes = [{ text: CAS_NOTE, link: CAS_SOURCE }]
    base.summary = state === 'connected' ? 'Connected: all 2 checks passed.' : state === 'not-enrolled' ? 'Not enrolled: copy the fields into AWS\'s CAS enrollment form.' : ''
  }
  if (id === 'sdds') {
    base.fields = [
      { label: 'S3 bucket ARN', value: 'arn:aws:s3:::sellerdesk-onboarding-sddsbucket-4d5e6f', copy: true },
      { label: 'KMS key ARN', value: 'arn:aws:kms:us-east-1:123456789012:key/1111-2222', copy: true },
      { label: 'SNS topic ARN', value: 'arn:aws:sns:us-east-1:123456789012:SellerDesk-Onboarding-SddsTopic', copy: true },
    ]
  }
  return { ...base, ...over }
}

/** The four tiles of a freshly launched, connected account. */
export function freshTiles(over: Partial<Record<'seller' | 'role' | 'cas' | 'sdds', Partial<Tile>>> = {}): Tile[] {
  return [
    tile('seller', 'completed', over.seller),
    tile('role', 'connected', over.role),
    tile('cas', 'legacy', over.cas),
    tile('sdds', 'not-enrolled', over.sdds),
  ]
}

/** The fake backend's progress: the real one is tiles.Summarize on the Go side; the window shows its text as is. */
export function progress(requiredConnected: number, required = 3, text = `${requiredConnected} of ${required} required connected · CAS legacy`): TilesView['progress'] {
  return { requiredConnected, required, missing: [], text }
}

export function tilesView(ts: Tile[], over: Partial<TilesView> = {}): TilesView {
  const n = ts.filter((t) => t.required && (t.state === 'connected' || (t.id === 'seller' && t.state === 'completed'))).length
  return { tiles: ts, progress: progress(n), busy: false, sellerConfirmed: false, sddsEnrolled: false, error: null, ...over }
}
