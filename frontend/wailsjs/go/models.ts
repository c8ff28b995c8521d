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

}

