#!/usr/bin/python3
"""The size rules of STYLE.md, checked: no source file over 600 lines, no function over 120 lines.

    check_sizes.py ROOT          report every breach under ROOT; exit 1 if there is one
    check_sizes.py --self-test   check the function finder on samples whose answers are known

Files: every .cpp and .hpp under FILE_DIRS. Functions: those of FUNCTION_DIRS only (models and
tasks have long but flat tables; tests have long TEST_CASEs whose length is their data).

How a function is found (a heuristic, not a C++ parser; stdlib only):
1. Comments, string and character literals (raw strings included) and preprocessor lines are
   blanked, keeping the line breaks, so that a brace inside them does not count.
2. The text is read with a stack of scopes. Only at namespace or class scope (the top level,
   inside `namespace`, `class`, `struct`, `union`, `extern "C"`) is a `{` classified, by the text
   since the last `;`, `{`, `}` or access specifier (its "head"):
   - a head starting with namespace/class/struct/union/enum (after `template <...>`) or
     `extern ""` opens a scope that is read the same way;
   - a head ending in `)` plus qualifiers (const, noexcept, override, final, a trailing return
     type, a requires clause), or a constructor's member-initialiser list ending in `)` or `}`,
     opens a function body: its length runs from the head's first line to the matching `}`;
   - anything else (an initialiser such as `x{1}`, a member initialiser inside a constructor's
     list, a lambda without parameters) is skipped as a block, without closing the head.
   Lambdas and local classes count as part of the function they are in. A TEST_CASE(...) { }
   is a function like any other.
"""
import bisect
import os
import re
import sys

FILE_DIRS = ["core", "models", "io", "tasks", "analysis", "session", "sweep", "apps", "tests",
             "fuzz"]
FUNCTION_DIRS = ["core", "io", "apps", "session", "sweep"]
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 120


def blank_non_code(text):
    """Comments, literals and preprocessor lines replaced by spaces (line breaks kept)."""
    out = []
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c == "#":
            # A preprocessor line, with its backslash continuations.
            while i < n and not (text[i] == "\n" and text[i - 1] != "\\"):
                out.append("\n" if text[i] == "\n" else " ")
                i += 1
            continue
        if c == "\n":
            line_start = True
            out.append(c)
            i += 1
            continue
        if not c.isspace():
            line_start = False
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            raw = re.search(r"(?:^|[^A-Za-z0-9_])(?:u8|u|U|L)?R$", text[max(0, i - 3):i])
            if raw:
                m = re.compile(r'"([^ ()\\\n]{0,16})\(').match(text, i)
                end = text.find(")" + m.group(1) + '"', m.end()) if m else -1
                j = n if end < 0 else end + len(m.group(1)) + 2
            else:
                j = i + 1
                while j < n and text[j] != '"' and text[j] != "\n":
                    j += 2 if text[j] == "\\" else 1
                j = min(j + 1, n)
            out.append('"' + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + '"')
            i = j
        elif c == "'" and not (i > 0 and text[i - 1].isalnum() and i + 1 < n
                               and text[i + 1].isalnum() and text[i + 2:i + 3] != "'"):
            # A character literal (not a digit separator as in 1'000).
            j = i + 1
            while j < n and text[j] != "'" and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


SCOPE_HEAD = re.compile(
    r"^(?:template\s*<[^{};]*>\s*)?(?:\[\[[^\]]*\]\]\s*)?(?:inline\s+)?"
    r"(?:namespace|class|struct|union|enum)\b|^extern\s*\"", re.S)
QUALIFIERS = (r"(?:\s*(?:const|volatile|noexcept(?:\s*\([^()]*\))?|override|final|mutable|&&?"
              r"|->[^;{}]*|requires[^;{}]*))*\s*$")
FUNCTION_HEAD = re.compile(r"\)" + QUALIFIERS, re.S)
# `) : a_(x), b_{y}` ... ending in `)` or `}`: a constructor's member-initialiser list.
CTOR_HEAD = re.compile(r"\)\s*(?:noexcept\s*)?:(?!:).*[)}]\s*$", re.S)
ACCESS = re.compile(r"\b(?:public|private|protected)\s*:(?!:)")


def find_functions(code):
    """(first line, last line) of each function defined at namespace or class scope."""
    found = []
    stack = []  # per open brace: "scope", ("fn", first line), "block" or "inner"
    head_start = 0  # index in code where the current head begins
    i, n = 0, len(code)
    newlines = [m.start() for m in re.finditer("\n", code)]

    def line_of(index):
        return bisect.bisect_left(newlines, index) + 1

    while i < n:
        c = code[i]
        at_scope = all(s == "scope" for s in stack)
        if not at_scope:
            # Inside a function or a skipped block: only find the matching brace.
            if c == "{":
                stack.append("inner")
            elif c == "}":
                top = stack.pop()
                if isinstance(top, tuple):
                    found.append((top[1], line_of(i)))
                    head_start = i + 1
                # A closed "block" (a member or brace initialiser) leaves the head going on.
            i += 1
            continue
        if c == ";":
            head_start = i + 1
        elif c == ":" and ACCESS.search(code[head_start:i + 1]):
            head_start = i + 1
        elif c == "{":
            head = code[head_start:i].strip()
            if SCOPE_HEAD.match(head):
                stack.append("scope")
                head_start = i + 1
            elif FUNCTION_HEAD.search(head) or CTOR_HEAD.search(head):
                first = head_start + (len(code[head_start:i]) - len(code[head_start:i].lstrip()))
                stack.append(("fn", line_of(first)))
            else:
                stack.append("block")
        elif c == "}":
            if stack:
                stack.pop()
            head_start = i + 1
        i += 1
    return found


def functions_over(text, limit):
    """(line, length) of each function longer than limit lines."""
    return [(a, b - a + 1) for a, b in find_functions(blank_non_code(text)) if b - a + 1 > limit]


def sources(root):
    for top in FILE_DIRS:
        for folder, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if name.endswith((".cpp", ".hpp")):
                    yield os.path.join(folder, name)


def check_tree(root):
    breaches = 0
    for path in sorted(sources(root)):
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        lines = text.count("\n")
        if lines > MAX_FILE_LINES:
            print(f"{rel}: {lines} lines (at most {MAX_FILE_LINES})")
            breaches += 1
        if rel.split(os.sep)[0] in FUNCTION_DIRS:
            source_lines = text.split("\n")
            for line, length in functions_over(text, MAX_FUNCTION_LINES):
                signature = source_lines[line - 1].strip()[:70]
                print(f"{rel}:{line}: function of {length} lines (at most {MAX_FUNCTION_LINES}): "
                      f"{signature}")
                breaches += 1
    print(f"{breaches} breach(es) of the size rules" if breaches else "sizes: all within limits")
    return 1 if breaches else 0


# Samples for --self-test: each with the (first line, last line) of every function it holds.
SELF_TEST = [
    ("int f(int x) {\n    return x;\n}\n", [(1, 3)]),
    ("namespace a::b {\nstruct S : B<int(int)> {\n  S(int x)\n      : x_{x}, y_(x) {\n"
     "    y_ += 1;\n  }\n  int get() const noexcept { return x_; }\n"
     "private:\n  int x_{0}, y_;\n};\n} // namespace a::b\n", [(3, 6), (7, 7)]),
    ('void g() {\n    const char* s = "}}{";\n    char c = \'{\';\n    auto r = R"x(\n)}"\n)x";\n'
     "    int big = 1'000'000; // }\n    /* { */\n}\n", [(1, 9)]),
    ("template <typename T>\nauto h(T t) -> std::vector<T>\n{\n    auto l = [&](int) { return "
     "t; };\n    if (t) {\n    }\n    return {};\n}\nconst int table[] = {1, 2};\n"
     'extern "C" {\nvoid c_api(void) {\n}\n}\n#define BRACE {\n', [(1, 8), (11, 12)]),
    ('TEST_CASE("x", "[y]") {\n    SECTION("z") {\n    }\n}\nenum class E { a, b };\n'
     "class K {\n    public:\n    void m();\n    int n() { return 1; }\n};\n", [(1, 4), (9, 9)]),
]


def self_test():
    failures = 0
    for sample, want in SELF_TEST:
        got = find_functions(blank_non_code(sample))
        if got != want:
            print(f"self-test: expected {want}, found {got} in:\n{sample}")
            failures += 1
    long_fn = "void f() {\n" + "    x();\n" * 119 + "}\n"
    if functions_over(long_fn, MAX_FUNCTION_LINES) != [(1, 121)]:
        print("self-test: a 121-line function was not reported")
        failures += 1
    if functions_over("void f() {\n" + "    x();\n" * 118 + "}\n", MAX_FUNCTION_LINES):
        print("self-test: a 120-line function was reported")
        failures += 1
    print("self-test: " + ("failed" if failures else "passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(check_tree(sys.argv[1]))
