export namespace app {
	
	export class AppInfo {
	    name: string;
	    version: string;
	    goVersion: string;
	    platform: string;
	    dataDir: string;
	    stateFile: string;
	    logFile: string;
	
	    static createFrom(source: any = {}) {
	        return new AppInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.version = source["version"];
	        this.goVersion = source["goVersion"];
	        this.platform = source["platform"];
	        this.dataDir = source["dataDir"];
	        this.stateFile = source["stateFile"];
	        this.logFile = source["logFile"];
	    }
	}
	export class ResourceDiff {
	    action: string;
	    logicalId: string;
	    type: string;
	    replacement: string;
	
	    static createFrom(source: any = {}) {
	        return new ResourceDiff(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.action = source["action"];
	        this.logicalId = source["logicalId"];
	        this.type = source["type"];
	        this.replacement = source["replacement"];
	    }
	}
	export class ChangePreview {
	    changeSetId: string;
	    changes: ResourceDiff[];
	    fromVersion: string;
	    toVersion: string;
	
	    static createFrom(source: any = {}) {
	        return new ChangePreview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.changeSetId = source["changeSetId"];
	        this.changes = this.convertValues(source["changes"], ResourceDiff);
	        this.fromVersion = source["fromVersion"];
	        this.toVersion = source["toVersion"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ErrorView {
	    kind: string;
	    message: string;
	    next: string;
	
	    static createFrom(source: any = {}) {
	        return new ErrorView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.message = source["message"];
	        this.next = source["next"];
	    }
	}
	export class IdentityView {
	    account: string;
	    arn: string;
	    userId: string;
	    region: string;
	    profile: string;
	    checkedAt: string;
	    stale: boolean;
	
	    static createFrom(source: any = {}) {
	        return new IdentityView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account = source["account"];
	        this.arn = source["arn"];
	        this.userId = source["userId"];
	        this.region = source["region"];
	        this.profile = source["profile"];
	        this.checkedAt = source["checkedAt"];
	        this.stale = source["stale"];
	    }
	}
	export class TargetView {
	    kind: string;
	    name: string;
	    region: string;
	    endpoint: string;
	    label: string;
	
	    static createFrom(source: any = {}) {
	        return new TargetView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.name = source["name"];
	        this.region = source["region"];
	        this.endpoint = source["endpoint"];
	        this.label = source["label"];
	    }
	}
	export class ConnectionState {
	    target?: TargetView;
	    identity?: IdentityView;
	    error?: ErrorView;
	    busy: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ConnectionState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.target = this.convertValues(source["target"], TargetView);
	        this.identity = this.convertValues(source["identity"], IdentityView);
	        this.error = this.convertValues(source["error"], ErrorView);
	        this.busy = source["busy"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class FieldError {
	    field: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new FieldError(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.field = source["field"];
	        this.message = source["message"];
	    }
	}
	
	export class LaunchForm {
	    stackName: string;
	    partnerAccountId: string;
	    externalId: string;
	    reportUrl: string;
	    leastPrivilege: boolean;
	    acknowledged: boolean;
	
	    static createFrom(source: any = {}) {
	        return new LaunchForm(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stackName = source["stackName"];
	        this.partnerAccountId = source["partnerAccountId"];
	        this.externalId = source["externalId"];
	        this.reportUrl = source["reportUrl"];
	        this.leastPrivilege = source["leastPrivilege"];
	        this.acknowledged = source["acknowledged"];
	    }
	}
	export class Notice {
	    level: string;
	    title: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new Notice(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.level = source["level"];
	        this.title = source["title"];
	        this.message = source["message"];
	    }
	}
	export class ProfileView {
	    name: string;
	    kind: string;
	    region: string;
	    sources: string[];
	    problem: string;
	
	    static createFrom(source: any = {}) {
	        return new ProfileView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.kind = source["kind"];
	        this.region = source["region"];
	        this.sources = source["sources"];
	        this.problem = source["problem"];
	    }
	}
	
	export class Review {
	    defaultStackName: string;
	    summary: template.Summary;
	
	    static createFrom(source: any = {}) {
	        return new Review(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.defaultStackName = source["defaultStackName"];
	        this.summary = this.convertValues(source["summary"], template.Summary);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ScenarioView {
	    name: string;
	    description: string;
	
	    static createFrom(source: any = {}) {
	        return new ScenarioView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.description = source["description"];
	    }
	}
	export class StackView {
	    record?: onboarding.StackRecord;
	    needsUpdate: boolean;
	    appTemplate: string;
	    watching: boolean;
	    error?: ErrorView;
	
	    static createFrom(source: any = {}) {
	        return new StackView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.record = this.convertValues(source["record"], onboarding.StackRecord);
	        this.needsUpdate = source["needsUpdate"];
	        this.appTemplate = source["appTemplate"];
	        this.watching = source["watching"];
	        this.error = this.convertValues(source["error"], ErrorView);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class TilesView {
	    tiles: tiles.Tile[];
	    connected: number;
	    total: number;
	    busy: boolean;
	    sellerConfirmed: boolean;
	    casEnrolled: boolean;
	    sddsEnrolled: boolean;
	    error?: ErrorView;
	
	    static createFrom(source: any = {}) {
	        return new TilesView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.tiles = this.convertValues(source["tiles"], tiles.Tile);
	        this.connected = source["connected"];
	        this.total = source["total"];
	        this.busy = source["busy"];
	        this.sellerConfirmed = source["sellerConfirmed"];
	        this.casEnrolled = source["casEnrolled"];
	        this.sddsEnrolled = source["sddsEnrolled"];
	        this.error = this.convertValues(source["error"], ErrorView);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace onboarding {
	
	export class Check {
	    name: string;
	    ok: boolean;
	    detail: string;
	
	    static createFrom(source: any = {}) {
	        return new Check(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.ok = source["ok"];
	        this.detail = source["detail"];
	    }
	}
	export class Event {
	    id: string;
	    // Go type: time
	    time: any;
	    logicalId: string;
	    physicalId: string;
	    type: string;
	    status: string;
	    reason: string;
	
	    static createFrom(source: any = {}) {
	        return new Event(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.time = this.convertValues(source["time"], null);
	        this.logicalId = source["logicalId"];
	        this.physicalId = source["physicalId"];
	        this.type = source["type"];
	        this.status = source["status"];
	        this.reason = source["reason"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Failure {
	    logicalId: string;
	    type: string;
	    reason: string;
	    plain: string;
	
	    static createFrom(source: any = {}) {
	        return new Failure(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.logicalId = source["logicalId"];
	        this.type = source["type"];
	        this.reason = source["reason"];
	        this.plain = source["plain"];
	    }
	}
	export class StackRecord {
	    targetKey: string;
	    stackName: string;
	    stackId: string;
	    phase: string;
	    status: string;
	    statusReason: string;
	    operation: string;
	    templateVersion: string;
	    params: template.Parameters;
	    total: number;
	    done: number;
	    events: Event[];
	    failure?: Failure;
	    rolledBack: boolean;
	    outputs: Record<string, string>;
	    checks: Check[];
	    // Go type: time
	    startedAt: any;
	    // Go type: time
	    updatedAt: any;
	
	    static createFrom(source: any = {}) {
	        return new StackRecord(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.targetKey = source["targetKey"];
	        this.stackName = source["stackName"];
	        this.stackId = source["stackId"];
	        this.phase = source["phase"];
	        this.status = source["status"];
	        this.statusReason = source["statusReason"];
	        this.operation = source["operation"];
	        this.templateVersion = source["templateVersion"];
	        this.params = this.convertValues(source["params"], template.Parameters);
	        this.total = source["total"];
	        this.done = source["done"];
	        this.events = this.convertValues(source["events"], Event);
	        this.failure = this.convertValues(source["failure"], Failure);
	        this.rolledBack = source["rolledBack"];
	        this.outputs = source["outputs"];
	        this.checks = this.convertValues(source["checks"], Check);
	        this.startedAt = this.convertValues(source["startedAt"], null);
	        this.updatedAt = this.convertValues(source["updatedAt"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace template {
	
	export class ConditionSummary {
	    name: string;
	    text: string;
	    value?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ConditionSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.text = source["text"];
	        this.value = source["value"];
	    }
	}
	export class OutputSummary {
	    name: string;
	    description: string;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new OutputSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.description = source["description"];
	        this.value = source["value"];
	    }
	}
	export class ParameterSummary {
	    name: string;
	    label: string;
	    description: string;
	    default: string;
	    hasDefault: boolean;
	    value?: string;
	
	    static createFrom(source: any = {}) {
	        return new ParameterSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.label = source["label"];
	        this.description = source["description"];
	        this.default = source["default"];
	        this.hasDefault = source["hasDefault"];
	        this.value = source["value"];
	    }
	}
	export class Parameters {
	    partnerAccountId: string;
	    externalId: string;
	    partnerRoleName: string;
	    partnerSnsPrefix: string;
	    reportUrl: string;
	    leastPrivilege: boolean;
	    casBucketName: string;
	    sddsBucketName: string;
	
	    static createFrom(source: any = {}) {
	        return new Parameters(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.partnerAccountId = source["partnerAccountId"];
	        this.externalId = source["externalId"];
	        this.partnerRoleName = source["partnerRoleName"];
	        this.partnerSnsPrefix = source["partnerSnsPrefix"];
	        this.reportUrl = source["reportUrl"];
	        this.leastPrivilege = source["leastPrivilege"];
	        this.casBucketName = source["casBucketName"];
	        this.sddsBucketName = source["sddsBucketName"];
	    }
	}
	export class StatementSummary {
	    policy: string;
	    condition?: string;
	    when?: string;
	    sid: string;
	    effect: string;
	    actions?: string[];
	    notActions?: string[];
	    resources?: string[];
	    notResources?: string[];
	    principals?: string[];
	    conditions?: string[];
	    text: string;
	
	    static createFrom(source: any = {}) {
	        return new StatementSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.policy = source["policy"];
	        this.condition = source["condition"];
	        this.when = source["when"];
	        this.sid = source["sid"];
	        this.effect = source["effect"];
	        this.actions = source["actions"];
	        this.notActions = source["notActions"];
	        this.resources = source["resources"];
	        this.notResources = source["notResources"];
	        this.principals = source["principals"];
	        this.conditions = source["conditions"];
	        this.text = source["text"];
	    }
	}
	export class ResourceSummary {
	    logicalId: string;
	    type: string;
	    title: string;
	    why: string;
	    condition?: string;
	    when?: string;
	    skipped?: boolean;
	    name?: string;
	    retained: boolean;
	    managedPolicies?: string[];
	    statements?: StatementSummary[];
	
	    static createFrom(source: any = {}) {
	        return new ResourceSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.logicalId = source["logicalId"];
	        this.type = source["type"];
	        this.title = source["title"];
	        this.why = source["why"];
	        this.condition = source["condition"];
	        this.when = source["when"];
	        this.skipped = source["skipped"];
	        this.name = source["name"];
	        this.retained = source["retained"];
	        this.managedPolicies = source["managedPolicies"];
	        this.statements = this.convertValues(source["statements"], StatementSummary);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class Summary {
	    version: string;
	    description: string;
	    capabilities: string[];
	    parameters: ParameterSummary[];
	    conditions: ConditionSummary[];
	    resources: ResourceSummary[];
	    outputs: OutputSummary[];
	
	    static createFrom(source: any = {}) {
	        return new Summary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
	        this.description = source["description"];
	        this.capabilities = source["capabilities"];
	        this.parameters = this.convertValues(source["parameters"], ParameterSummary);
	        this.conditions = this.convertValues(source["conditions"], ConditionSummary);
	        this.resources = this.convertValues(source["resources"], ResourceSummary);
	        this.outputs = this.convertValues(source["outputs"], OutputSummary);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace tiles {
	
	export class CheckResult {
	    name: string;
	    status: string;
	    detail: string;
	    fix: string;
	    code: string;
	
	    static createFrom(source: any = {}) {
	        return new CheckResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.status = source["status"];
	        this.detail = source["detail"];
	        this.fix = source["fix"];
	        this.code = source["code"];
	    }
	}
	export class Field {
	    label: string;
	    value: string;
	    copy: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Field(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.label = source["label"];
	        this.value = source["value"];
	        this.copy = source["copy"];
	    }
	}
	export class Note {
	    text: string;
	    link?: string;
	
	    static createFrom(source: any = {}) {
	        return new Note(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.text = source["text"];
	        this.link = source["link"];
	    }
	}
	export class Tile {
	    id: string;
	    state: string;
	    summary: string;
	    fields: Field[];
	    checks: CheckResult[];
	    // Go type: time
	    checkedAt: any;
	    stale: boolean;
	    source?: string;
	    notes: Note[];
	
	    static createFrom(source: any = {}) {
	        return new Tile(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.state = source["state"];
	        this.summary = source["summary"];
	        this.fields = this.convertValues(source["fields"], Field);
	        this.checks = this.convertValues(source["checks"], CheckResult);
	        this.checkedAt = this.convertValues(source["checkedAt"], null);
	        this.stale = source["stale"];
	        this.source = source["source"];
	        this.notes = this.convertValues(source["notes"], Note);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

