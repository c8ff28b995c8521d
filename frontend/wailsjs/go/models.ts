export namespace app {
	
	export class AdviceView {
	    name: string;
	    arn: string;
	    purpose: string;
	
	    static createFrom(source: any = {}) {
	        return new AdviceView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.arn = source["arn"];
	        this.purpose = source["purpose"];
	    }
	}
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
	export class FindingView {
	    rule: string;
	    severity: string;
	    statement: number;
	    sid: string;
	    message: string;
	    fix: string;
	
	    static createFrom(source: any = {}) {
	        return new FindingView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.rule = source["rule"];
	        this.severity = source["severity"];
	        this.statement = source["statement"];
	        this.sid = source["sid"];
	        this.message = source["message"];
	        this.fix = source["fix"];
	    }
	}
	export class LintView {
	    findings: FindingView[];
	    hasErrors: boolean;
	    parseError: string;
	
	    static createFrom(source: any = {}) {
	        return new LintView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.findings = this.convertValues(source["findings"], FindingView);
	        this.hasErrors = source["hasErrors"];
	        this.parseError = source["parseError"];
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
	export class BuiltPolicy {
	    json: string;
	    lint: LintView;
	
	    static createFrom(source: any = {}) {
	        return new BuiltPolicy(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.json = source["json"];
	        this.lint = this.convertValues(source["lint"], LintView);
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
	export class BulkEstimateView {
	    count: number;
	    known: number;
	    reads: number;
	    writes: number;
	    seconds: number;
	    text: string;
	
	    static createFrom(source: any = {}) {
	        return new BulkEstimateView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.count = source["count"];
	        this.known = source["known"];
	        this.reads = source["reads"];
	        this.writes = source["writes"];
	        this.seconds = source["seconds"];
	        this.text = source["text"];
	    }
	}
	export class BulkJobView {
	    jobId: string;
	    kind: string;
	    created: string;
	    finished: boolean;
	    total: number;
	    done: number;
	    failed: number;
	    pending: number;
	    summary: string;
	
	    static createFrom(source: any = {}) {
	        return new BulkJobView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.jobId = source["jobId"];
	        this.kind = source["kind"];
	        this.created = source["created"];
	        this.finished = source["finished"];
	        this.total = source["total"];
	        this.done = source["done"];
	        this.failed = source["failed"];
	        this.pending = source["pending"];
	        this.summary = source["summary"];
	    }
	}
	export class TagChangeView {
	    key: string;
	    old: string;
	    new: string;
	
	    static createFrom(source: any = {}) {
	        return new TagChangeView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.key = source["key"];
	        this.old = source["old"];
	        this.new = source["new"];
	    }
	}
	export class DiffView {
	    arn: string;
	    added: catalog.Tag[];
	    changed: TagChangeView[];
	    removed: catalog.Tag[];
	    readAt: string;
	
	    static createFrom(source: any = {}) {
	        return new DiffView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.arn = source["arn"];
	        this.added = this.convertValues(source["added"], catalog.Tag);
	        this.changed = this.convertValues(source["changed"], TagChangeView);
	        this.removed = this.convertValues(source["removed"], catalog.Tag);
	        this.readAt = source["readAt"];
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
	export class BulkPreviewView {
	    changes: DiffView[];
	    unchanged: string[];
	    errors: catalog.Failure[];
	    changedArns: string[];
	    known: number;
	    oldest: string;
	
	    static createFrom(source: any = {}) {
	        return new BulkPreviewView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.changes = this.convertValues(source["changes"], DiffView);
	        this.unchanged = source["unchanged"];
	        this.errors = this.convertValues(source["errors"], catalog.Failure);
	        this.changedArns = source["changedArns"];
	        this.known = source["known"];
	        this.oldest = source["oldest"];
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
	export class BulkRequest {
	    kind: string;
	    tags: catalog.Tag[];
	    keys: string[];
	    arns: string[];
	    readAll: boolean;
	
	    static createFrom(source: any = {}) {
	        return new BulkRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.tags = this.convertValues(source["tags"], catalog.Tag);
	        this.keys = source["keys"];
	        this.arns = source["arns"];
	        this.readAll = source["readAll"];
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
	    code: string;
	    requestId: string;
	    action: string;
	    field: string;
	
	    static createFrom(source: any = {}) {
	        return new ErrorView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.message = source["message"];
	        this.next = source["next"];
	        this.code = source["code"];
	        this.requestId = source["requestId"];
	        this.action = source["action"];
	        this.field = source["field"];
	    }
	}
	export class BulkView {
	    phase: string;
	    jobId: string;
	    kind: string;
	    read: number;
	    done: number;
	    failed: number;
	    total: number;
	    throttled: number;
	    rate: number;
	    etaSeconds: number;
	    succeeded: string[];
	    failures: catalog.Failure[];
	    error?: ErrorView;
	
	    static createFrom(source: any = {}) {
	        return new BulkView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.phase = source["phase"];
	        this.jobId = source["jobId"];
	        this.kind = source["kind"];
	        this.read = source["read"];
	        this.done = source["done"];
	        this.failed = source["failed"];
	        this.total = source["total"];
	        this.throttled = source["throttled"];
	        this.rate = source["rate"];
	        this.etaSeconds = source["etaSeconds"];
	        this.succeeded = source["succeeded"];
	        this.failures = this.convertValues(source["failures"], catalog.Failure);
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
	export class ChangeResultView {
	    changeType: string;
	    entityType: string;
	    entityId: string;
	    errors: string[];
	
	    static createFrom(source: any = {}) {
	        return new ChangeResultView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.changeType = source["changeType"];
	        this.entityType = source["entityType"];
	        this.entityId = source["entityId"];
	        this.errors = source["errors"];
	    }
	}
	export class ChangeSetFilter {
	    status: string;
	    name: string;
	    entityId: string;
	
	    static createFrom(source: any = {}) {
	        return new ChangeSetFilter(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.status = source["status"];
	        this.name = source["name"];
	        this.entityId = source["entityId"];
	    }
	}
	export class ChangeView {
	    changeType: string;
	    entityType: string;
	    entityId: string;
	    details: string;
	    entityTags: catalog.Tag[];
	
	    static createFrom(source: any = {}) {
	        return new ChangeView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.changeType = source["changeType"];
	        this.entityType = source["entityType"];
	        this.entityId = source["entityId"];
	        this.details = source["details"];
	        this.entityTags = this.convertValues(source["entityTags"], catalog.Tag);
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
	export class ChangeSetRequest {
	    name: string;
	    changes: ChangeView[];
	    changeSetTags: catalog.Tag[];
	
	    static createFrom(source: any = {}) {
	        return new ChangeSetRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.changes = this.convertValues(source["changes"], ChangeView);
	        this.changeSetTags = this.convertValues(source["changeSetTags"], catalog.Tag);
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
	export class ChangeSetSummaryView {
	    id: string;
	    arn: string;
	    name: string;
	    status: string;
	    startTime: string;
	    endTime: string;
	    entityIds: string[];
	
	    static createFrom(source: any = {}) {
	        return new ChangeSetSummaryView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.arn = source["arn"];
	        this.name = source["name"];
	        this.status = source["status"];
	        this.startTime = source["startTime"];
	        this.endTime = source["endTime"];
	        this.entityIds = source["entityIds"];
	    }
	}
	export class ChangeSetTemplate {
	    id: string;
	    title: string;
	    description: string;
	    needsEntity: string;
	    request: ChangeSetRequest;
	
	    static createFrom(source: any = {}) {
	        return new ChangeSetTemplate(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.description = source["description"];
	        this.needsEntity = source["needsEntity"];
	        this.request = this.convertValues(source["request"], ChangeSetRequest);
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
	export class ChangeSetView {
	    id: string;
	    arn: string;
	    name: string;
	    status: string;
	    failureCode: string;
	    failureDescription: string;
	    startTime: string;
	    endTime: string;
	    changes: ChangeResultView[];
	    watching: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ChangeSetView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.arn = source["arn"];
	        this.name = source["name"];
	        this.status = source["status"];
	        this.failureCode = source["failureCode"];
	        this.failureDescription = source["failureDescription"];
	        this.startTime = source["startTime"];
	        this.endTime = source["endTime"];
	        this.changes = this.convertValues(source["changes"], ChangeResultView);
	        this.watching = source["watching"];
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
	
	export class DriftView {
	    checking: boolean;
	    restoring: boolean;
	    elapsedSeconds: number;
	    error?: ErrorView;
	    restore?: onboarding.RestoreResult;
	
	    static createFrom(source: any = {}) {
	        return new DriftView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.checking = source["checking"];
	        this.restoring = source["restoring"];
	        this.elapsedSeconds = source["elapsedSeconds"];
	        this.error = this.convertValues(source["error"], ErrorView);
	        this.restore = this.convertValues(source["restore"], onboarding.RestoreResult);
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
	export class EntitiesView {
	    entities: catalog.EntitySummary[];
	    count: number;
	    version: number;
	    refreshing: boolean;
	    stale: boolean;
	    refreshedAt: string;
	    error?: ErrorView;
	
	    static createFrom(source: any = {}) {
	        return new EntitiesView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.entities = this.convertValues(source["entities"], catalog.EntitySummary);
	        this.count = source["count"];
	        this.version = source["version"];
	        this.refreshing = source["refreshing"];
	        this.stale = source["stale"];
	        this.refreshedAt = source["refreshedAt"];
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
	
	export class ExistingStack {
	    stackName: string;
	    status: string;
	    // Go type: time
	    since: any;
	    inProgress: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ExistingStack(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stackName = source["stackName"];
	        this.status = source["status"];
	        this.since = this.convertValues(source["since"], null);
	        this.inProgress = source["inProgress"];
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
	    casBucketName: string;
	    sddsBucketName: string;
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
	        this.casBucketName = source["casBucketName"];
	        this.sddsBucketName = source["sddsBucketName"];
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
	export class PatternView {
	    id: string;
	    description: string;
	    usesEntities: boolean;
	    usesChangeTypes: boolean;
	    usesTag: boolean;
	    defaultActions: string[];
	
	    static createFrom(source: any = {}) {
	        return new PatternView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.description = source["description"];
	        this.usesEntities = source["usesEntities"];
	        this.usesChangeTypes = source["usesChangeTypes"];
	        this.usesTag = source["usesTag"];
	        this.defaultActions = source["defaultActions"];
	    }
	}
	export class PolicyRequest {
	    pattern: string;
	    account: string;
	    entityArns: string[];
	    changeTypes: string[];
	    tagKey: string;
	    tagValue: string;
	    actions: string[];
	
	    static createFrom(source: any = {}) {
	        return new PolicyRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.pattern = source["pattern"];
	        this.account = source["account"];
	        this.entityArns = source["entityArns"];
	        this.changeTypes = source["changeTypes"];
	        this.tagKey = source["tagKey"];
	        this.tagValue = source["tagValue"];
	        this.actions = source["actions"];
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
	export class ResaleView {
	    report: resale.Report;
	    inPlace: boolean;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new ResaleView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.report = this.convertValues(source["report"], resale.Report);
	        this.inPlace = source["inPlace"];
	        this.message = source["message"];
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
	
	export class RetryForm {
	    form: LaunchForm;
	    problem: string;
	    field: string;
	
	    static createFrom(source: any = {}) {
	        return new RetryForm(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.form = this.convertValues(source["form"], LaunchForm);
	        this.problem = source["problem"];
	        this.field = source["field"];
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
	    existing?: ExistingStack;
	    drift: DriftView;
	
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
	        this.existing = this.convertValues(source["existing"], ExistingStack);
	        this.drift = this.convertValues(source["drift"], DriftView);
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
	
	export class TagProblem {
	    index: number;
	    key: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new TagProblem(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.index = source["index"];
	        this.key = source["key"];
	        this.message = source["message"];
	    }
	}
	export class TagReadView {
	    queued: number;
	    seconds: number;
	    text: string;
	
	    static createFrom(source: any = {}) {
	        return new TagReadView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.queued = source["queued"];
	        this.seconds = source["seconds"];
	        this.text = source["text"];
	    }
	}
	export class TagsUpdate {
	    arn: string;
	    tags: catalog.Tag[];
	    at: string;
	
	    static createFrom(source: any = {}) {
	        return new TagsUpdate(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.arn = source["arn"];
	        this.tags = this.convertValues(source["tags"], catalog.Tag);
	        this.at = source["at"];
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
	    progress: tiles.Summary;
	    busy: boolean;
	    sellerConfirmed: boolean;
	    sddsEnrolled: boolean;
	    error?: ErrorView;
	
	    static createFrom(source: any = {}) {
	        return new TilesView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.tiles = this.convertValues(source["tiles"], tiles.Tile);
	        this.progress = this.convertValues(source["progress"], tiles.Summary);
	        this.busy = source["busy"];
	        this.sellerConfirmed = source["sellerConfirmed"];
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

export namespace catalog {
	
	export class EntitySummary {
	    type: string;
	    id: string;
	    arn: string;
	    name: string;
	    visibility: string;
	    lastModified: string;
	
	    static createFrom(source: any = {}) {
	        return new EntitySummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.id = source["id"];
	        this.arn = source["arn"];
	        this.name = source["name"];
	        this.visibility = source["visibility"];
	        this.lastModified = source["lastModified"];
	    }
	}
	export class Failure {
	    arn: string;
	    code: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new Failure(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.arn = source["arn"];
	        this.code = source["code"];
	        this.message = source["message"];
	    }
	}
	export class Tag {
	    key: string;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new Tag(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.key = source["key"];
	        this.value = source["value"];
	    }
	}

}

export namespace iamdeploy {
	
	export class Principal {
	    kind: string;
	    name: string;
	    arn: string;
	
	    static createFrom(source: any = {}) {
	        return new Principal(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.name = source["name"];
	        this.arn = source["arn"];
	    }
	}
	export class Result {
	    policyArn: string;
	    action: string;
	    attachedTo: string;
	    attachAction: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new Result(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.policyArn = source["policyArn"];
	        this.action = source["action"];
	        this.attachedTo = source["attachedTo"];
	        this.attachAction = source["attachAction"];
	        this.message = source["message"];
	    }
	}

}

export namespace onboarding {
	
	export class Check {
	    name: string;
	    ok: boolean;
	    detail: string;
	    unknown?: boolean;
	    code?: string;
	
	    static createFrom(source: any = {}) {
	        return new Check(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.ok = source["ok"];
	        this.detail = source["detail"];
	        this.unknown = source["unknown"];
	        this.code = source["code"];
	    }
	}
	export class Difference {
	    path: string;
	    expected: string;
	    actual: string;
	    kind: string;
	    plain: string;
	
	    static createFrom(source: any = {}) {
	        return new Difference(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.expected = source["expected"];
	        this.actual = source["actual"];
	        this.kind = source["kind"];
	        this.plain = source["plain"];
	    }
	}
	export class ResourceDrift {
	    logicalId: string;
	    physicalId: string;
	    type: string;
	    status: string;
	    plain: string;
	    differences: Difference[];
	    expected?: string;
	    actual?: string;
	
	    static createFrom(source: any = {}) {
	        return new ResourceDrift(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.logicalId = source["logicalId"];
	        this.physicalId = source["physicalId"];
	        this.type = source["type"];
	        this.status = source["status"];
	        this.plain = source["plain"];
	        this.differences = this.convertValues(source["differences"], Difference);
	        this.expected = source["expected"];
	        this.actual = source["actual"];
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
	export class DriftReport {
	    stackName: string;
	    detectionId: string;
	    status: string;
	    // Go type: time
	    checkedAt: any;
	    resources: ResourceDrift[];
	
	    static createFrom(source: any = {}) {
	        return new DriftReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stackName = source["stackName"];
	        this.detectionId = source["detectionId"];
	        this.status = source["status"];
	        this.checkedAt = this.convertValues(source["checkedAt"], null);
	        this.resources = this.convertValues(source["resources"], ResourceDrift);
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
	    unverified?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Failure(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.logicalId = source["logicalId"];
	        this.type = source["type"];
	        this.reason = source["reason"];
	        this.plain = source["plain"];
	        this.unverified = source["unverified"];
	    }
	}
	
	export class RestoreResult {
	    restored: string[];
	    left: string[];
	
	    static createFrom(source: any = {}) {
	        return new RestoreResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.restored = source["restored"];
	        this.left = source["left"];
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
	    previous?: StackRecord;
	    drift?: DriftReport;
	
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
	        this.previous = this.convertValues(source["previous"], StackRecord);
	        this.drift = this.convertValues(source["drift"], DriftReport);
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

export namespace resale {
	
	export class Step {
	    name: string;
	    action: string;
	    detail: string;
	
	    static createFrom(source: any = {}) {
	        return new Step(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.action = source["action"];
	        this.detail = source["detail"];
	    }
	}
	export class Report {
	    policyArn: string;
	    roleArn: string;
	    steps: Step[];
	
	    static createFrom(source: any = {}) {
	        return new Report(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.policyArn = source["policyArn"];
	        this.roleArn = source["roleArn"];
	        this.steps = this.convertValues(source["steps"], Step);
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
	export class OptionalTile {
	    id: string;
	    title: string;
	    tag: string;
	    state: string;
	
	    static createFrom(source: any = {}) {
	        return new OptionalTile(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.tag = source["tag"];
	        this.state = source["state"];
	    }
	}
	export class Summary {
	    requiredConnected: number;
	    required: number;
	    missing: string[];
	    optional: OptionalTile[];
	    text: string;
	
	    static createFrom(source: any = {}) {
	        return new Summary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.requiredConnected = source["requiredConnected"];
	        this.required = source["required"];
	        this.missing = source["missing"];
	        this.optional = this.convertValues(source["optional"], OptionalTile);
	        this.text = source["text"];
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
	export class Tile {
	    id: string;
	    required: boolean;
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
	        this.required = source["required"];
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

