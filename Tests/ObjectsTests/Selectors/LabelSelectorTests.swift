import Testing
@testable import Objects

@Suite("Label selectors")
struct LabelSelectorTests {
    @Test("valid selectors print canonically (sorted by key, values sorted)", arguments: [
        ("", ""),
        ("x=a,y=b,z=c", "x=a,y=b,z=c"),
        ("z=c,x=a", "x=a,z=c"),
        ("x!=a,y=b", "x!=a,y=b"),
        ("x=,z= ", "x=,z="),
        ("x= ,z= ", "x=,z="),
        ("!x", "!x"),
        ("x>1", "x>1"),
        ("x>1,z<5", "x>1,z<5"),
        ("x==a", "x==a"),
        ("env in (prod, staging)", "env in (prod,staging)"),
        ("env in (staging,prod,prod)", "env in (prod,staging)"),
        ("release notin (v1)", "release notin (v1)"),
        ("has-key", "has-key"),
        ("app=web,tier!=db,env in (prod,staging),!legacy,release notin (v1),has-key",
         "app=web,env in (prod,staging),has-key,!legacy,release notin (v1),tier!=db"),
        ("example.com/role=db", "example.com/role=db"),
        ("x in ()", "x in ()"),
        ("x in (,a)", "x in (,a)"),
        ("in=notin", "in=notin"),
        ("x in (in,notin)", "x in (in,notin)"),
    ])
    func canonical(text: String, printed: String) throws {
        let selector = try LabelSelector(parsing: text)
        #expect(selector.description == printed)
        #expect(try LabelSelector(parsing: printed) == selector, "the printed form parses back to the same selector")
    }

    @Test("errors use Kubernetes' wording", arguments: [
        ("x=a)y", "found ')', expected: ',' or 'end of string'"),
        ("x==a==b", "found '==', expected: ',' or 'end of string'"),
        ("!x=a", "found '=', expected: ',' or 'end of string'"),
        ("x=a b", "found 'b', expected: ',' or 'end of string'"),
        ("x in (a", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("x in a", "unable to parse requirement: found 'a', expected: '('"),
        ("x notin", "unable to parse requirement: found '', expected: '('"),
        ("x,", "found '', expected: identifier after ','"),
        (",x", "found ',', expected: !, identifier, or 'end of string'"),
        ("x=(", "unable to parse requirement: found '(', expected: identifier"),
        ("x (a)", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"),
        ("x>a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"),
        ("-x=1", "unable to parse requirement: key: Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
        ("x=-a", "unable to parse requirement: values[0][x]: Invalid value: \"-a\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
    ])
    func errors(text: String, message: String) {
        #expect {
            _ = try LabelSelector(parsing: text)
        } throws: { error in
            (error as? LabelSelectorError)?.description == message
        }
    }

    @Test("errors are typed values")
    func typedErrors() {
        #expect(throws: LabelSelectorError.syntax(found: "", expected: "',' or ')'", inRequirement: true)) {
            try LabelSelector(parsing: "x in (a")
        }
    }

    @Test("matching follows Kubernetes' semantics", arguments: [
        ("app=web", ["app": "web"], true),
        ("app=web", ["app": "db"], false),
        ("app=web", [:], false),
        ("app!=web", [:], true),
        ("app!=web", ["app": "web"], false),
        ("env in (prod,staging)", ["env": "staging"], true),
        ("env in (prod,staging)", [:], false),
        ("env notin (prod)", [:], true),
        ("env notin (prod)", ["env": "prod"], false),
        ("legacy", ["legacy": ""], true),
        ("legacy", [:], false),
        ("!legacy", [:], true),
        ("!legacy", ["legacy": "x"], false),
        ("x>5", ["x": "6"], true),
        ("x>5", ["x": "5"], false),
        ("x>5", ["x": "six"], false),
        ("x<5", ["x": "-1"], true),
        ("x<5", [:], false),
        ("a=1,b=2", ["a": "1", "b": "2", "c": "3"], true),
        ("a=1,b=2", ["a": "1"], false),
        ("x=", [:], false),
        ("x=", ["x": ""], true),
        ("", ["anything": "at all"], true),
    ] as [(String, [String: String], Bool)])
    func matching(text: String, labels: [String: String], expected: Bool) throws {
        #expect(try LabelSelector(parsing: text).matches(labels) == expected)
    }

    @Test("everything and nothing")
    func everythingAndNothing() throws {
        #expect(LabelSelector.everything.matches([:]))
        #expect(LabelSelector.everything.isEverything)
        #expect(try LabelSelector(parsing: "") == .everything)
        #expect(!LabelSelector.nothing.matches([:]))
        #expect(!LabelSelector.nothing.isEverything)
        #expect(LabelSelector.nothing.description == "")
    }

    @Test("a selector from a label set is sorted and matches the set")
    func fromSet() {
        let s = LabelSelector(equalTo: ["tier": "web", "app": "shop"])
        #expect(s.description == "app=shop,tier=web")
        #expect(s.matches(["app": "shop", "tier": "web", "x": "y"]))
        #expect(!s.matches(["app": "shop"]))
    }

    @Test("requirements validate their values")
    func requirementValidation() throws {
        #expect(throws: LabelSelectorError.self) { try LabelRequirement(key: "a", operator: .in, values: []) }
        #expect(throws: LabelSelectorError.self) { try LabelRequirement(key: "a", operator: .exists, values: ["x"]) }
        #expect(throws: LabelSelectorError.self) { try LabelRequirement(key: "a", operator: .equals, values: ["x", "y"]) }
        let r = try LabelRequirement(key: "a", operator: .notIn, values: ["z", "y"])
        #expect(r.description == "a notin (y,z)")
        #expect(LabelSelector.everything.adding(r).adding(try LabelRequirement(key: "0", operator: .exists)).description == "0,a notin (y,z)")
    }
}

@Suite("Label selectors from LabelSelectorSpec")
struct LabelSelectorSpecTests {
    @Test("matchLabels and matchExpressions become one sorted selector")
    func conversion() throws {
        let spec = LabelSelectorSpec(matchLabels: ["tier": "web", "app": "shop"], matchExpressions: [
            LabelSelectorRequirement(key: "env", operator: "In", values: ["prod", "canary"]),
            LabelSelectorRequirement(key: "legacy", operator: "DoesNotExist"),
            LabelSelectorRequirement(key: "zone", operator: "Exists"),
            LabelSelectorRequirement(key: "track", operator: "NotIn", values: ["beta"]),
        ])
        let s = try LabelSelector(spec)
        #expect(s.description == "app=shop,env in (canary,prod),!legacy,tier=web,track notin (beta),zone")
        #expect(s.matches(["app": "shop", "tier": "web", "env": "prod", "zone": "a"]))
        #expect(!s.matches(["app": "shop", "tier": "web", "env": "prod", "zone": "a", "legacy": "1"]))
        #expect(!s.matches(["app": "shop", "tier": "web", "env": "prod", "zone": "a", "track": "beta"]))
    }

    @Test("an empty spec selects everything")
    func empty() throws {
        #expect(try LabelSelector(LabelSelectorSpec()).isEverything)
    }

    @Test("invalid parts are reported with their field paths")
    func errors() {
        let spec = LabelSelectorSpec(matchLabels: ["ok": "-bad"], matchExpressions: [
            LabelSelectorRequirement(key: "a", operator: "Equals", values: ["x"]),
            LabelSelectorRequirement(key: "b", operator: "In"),
            LabelSelectorRequirement(key: "c", operator: "Exists", values: ["x"]),
            LabelSelectorRequirement(key: "bad key", operator: "NotIn", values: ["y"]),
        ])
        #expect {
            _ = try LabelSelector(spec, path: FieldPath("spec").child("selector"))
        } throws: { error in
            guard case .invalidSpec(let errors)? = error as? LabelSelectorError else { return false }
            let lines = errors.map(\.description)
            return lines.count == 5
                && lines[0].hasPrefix("spec.selector.matchLabels: Invalid value: \"-bad\": a valid label must be")
                && lines[1] == "spec.selector.matchExpressions[0].operator: Unsupported value: \"Equals\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\""
                && lines[2] == "spec.selector.matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"
                && lines[3] == "spec.selector.matchExpressions[2].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                && lines[4].hasPrefix("spec.selector.matchExpressions[3].key: Invalid value: \"bad key\"")
        }
    }
}
