import { parse } from "@humanwhocodes/momoa";
const ast = parse('{"a":1,\n "b":{"c":2,"c":3}}', { mode: "json", ranges: false });
console.log(JSON.stringify(ast.body, null, 0).slice(0, 600));
