import { describe, expect, it } from "vitest";
import { inlineMarkdown } from "../../src/pages/inline-markdown.ts";

const render = (s: string) => String(inlineMarkdown(s));

describe("the API reference's inline Markdown", () => {
  it.each([
    ["Errors are `{error: {code}}`.", "Errors are <code>{error: {code}}</code>."],
    ["`a` and `b`", "<code>a</code> and <code>b</code>"],
    ["``x ` y``", "<code>x ` y</code>"],
    ["**Needs approval.** Then", "<strong>Needs approval.</strong> Then"],
    [
      "see [CAP](https://example.org/cap) or [docs](/api/v1/docs)",
      'see <a href="https://example.org/cap">CAP</a> or <a href="/api/v1/docs">docs</a>',
    ],
    ["a lone ` stays", "a lone ` stays"],
  ])("%s", (source, expected) => {
    expect(render(source)).toBe(expected);
  });

  it("escapes everything else, inside code spans too", () => {
    expect(render("<script>x</script> `<b>`")).toBe(
      "&#60;script&#62;x&#60;/script&#62; <code>&#60;b&#62;</code>",
    );
  });

  it("never makes a link to another scheme", () => {
    expect(render("[x](javascript:alert(1))")).not.toContain("<a");
    expect(render('[x](https://a.example/"onmouseover=)')).not.toContain("<a");
  });
});
