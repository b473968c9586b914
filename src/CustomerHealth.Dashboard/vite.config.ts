import { defineConfig } from "vite";

// The built page goes into the server's wwwroot (checked in; docs/adr/0063), which the server serves on its Web
// endpoint. `npm run dev` proxies the gRPC-Web calls and the sign-in answers to a server on 127.0.0.1:5082.
export default defineConfig({
    base: "./",
    build: {
        outDir: "../CustomerHealth.Server/wwwroot",
        emptyOutDir: true,
        assetsDir: "assets",
        sourcemap: false,
        chunkSizeWarningLimit: 400,
    },
    server: {
        proxy: {
            "/customerhealth.v1.": "http://127.0.0.1:5082",
            "/web/": "http://127.0.0.1:5082",
        },
    },
});
