# The Auris device addon. Built by `npm install` (scripts.install -> node-gyp rebuild --directory native).
# OS backends live in src/<backend>/ behind src/backend.h; each OS compiles only its own.
{
  "targets": [
    {
      "target_name": "auris_native",
      "sources": [
        "src/addon.cc",
        "src/stream.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "src"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS=='linux'", {
          "sources": [
            "src/alsa/alsa_api.cc",
            "src/alsa/alsa_backend.cc",
            "src/alsa/alsa_mixer.cc"
          ],
          "defines": ["AURIS_HAVE_ALSA=1"],
          "libraries": ["-ldl", "-lpthread"]
        }],
        ["OS=='win'", {
          "sources": [
            "src/wasapi/wasapi_backend.cc",
            "src/wasapi/wasapi_com.cc"
          ],
          "defines": ["AURIS_HAVE_WASAPI=1", "NOMINMAX"],
          "libraries": ["ole32.lib", "oleaut32.lib", "avrt.lib", "uuid.lib"],
          "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } }
        }],
        ["OS=='mac'", {
          "xcode_settings": { "GCC_ENABLE_CPP_EXCEPTIONS": "YES", "CLANG_CXX_LANGUAGE_STANDARD": "c++17" }
        }]
      ]
    }
  ]
}
