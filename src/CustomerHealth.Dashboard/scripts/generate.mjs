// Generates the TypeScript client (src/gen/) from protos/ with buf and protoc-gen-es: .ci/buf runs the pinned buf from
// the repository root and puts the google/type imports where buf.yaml expects them.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const bin = join(here, "..", "node_modules", ".bin");
execFileSync(
    join(root, ".ci", "buf"),
    [
        "generate",
        "--template",
        "src/CustomerHealth.Dashboard/buf.gen.yaml",
        "--path",
        "protos/customerhealth",
        "--include-imports",
    ],
    {
        cwd: root,
        stdio: "inherit",
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    },
);
