// COM and Win32 helpers of the WASAPI backend (see wasapi_com.h).
#include "wasapi/wasapi_com.h"

#include <cstdio>

namespace auris::wasapi {

std::string Utf8(const wchar_t* w) {
  if (w == nullptr) return {};
  const int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, nullptr, 0, nullptr, nullptr);
  if (n <= 1) return {};
  std::string s(static_cast<size_t>(n - 1), '\0');
  WideCharToMultiByte(CP_UTF8, 0, w, -1, s.data(), n, nullptr, nullptr);
  return s;
}

std::wstring Wide(const std::string& s) {
  if (s.empty()) return {};
  const int n = MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, nullptr, 0);
  if (n <= 1) return {};
  std::wstring w(static_cast<size_t>(n - 1), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, w.data(), n);
  return w;
}

static const char* HresultName(uint32_t hr) {
  switch (hr) {
    case 0x00000001: return "S_FALSE";
    case 0x88890001: return "AUDCLNT_E_NOT_INITIALIZED";
    case 0x88890002: return "AUDCLNT_E_ALREADY_INITIALIZED";
    case 0x88890003: return "AUDCLNT_E_WRONG_ENDPOINT_TYPE";
    case 0x88890004: return "AUDCLNT_E_DEVICE_INVALIDATED";
    case 0x88890005: return "AUDCLNT_E_NOT_STOPPED";
    case 0x88890006: return "AUDCLNT_E_BUFFER_TOO_LARGE";
    case 0x88890007: return "AUDCLNT_E_OUT_OF_ORDER";
    case 0x88890008: return "AUDCLNT_E_UNSUPPORTED_FORMAT";
    case 0x88890009: return "AUDCLNT_E_INVALID_SIZE";
    case 0x8889000A: return "AUDCLNT_E_DEVICE_IN_USE";
    case 0x8889000B: return "AUDCLNT_E_BUFFER_OPERATION_PENDING";
    case 0x8889000C: return "AUDCLNT_E_THREAD_NOT_REGISTERED";
    case 0x8889000E: return "AUDCLNT_E_EXCLUSIVE_MODE_NOT_ALLOWED";
    case 0x8889000F: return "AUDCLNT_E_ENDPOINT_CREATE_FAILED";
    case 0x88890010: return "AUDCLNT_E_SERVICE_NOT_RUNNING";
    case 0x88890013: return "AUDCLNT_E_BUFDURATION_PERIOD_NOT_EQUAL";
    case 0x88890014: return "AUDCLNT_E_EVENTHANDLE_NOT_SET";
    case 0x88890016: return "AUDCLNT_E_BUFFER_SIZE_ERROR";
    case 0x88890019: return "AUDCLNT_E_BUFFER_SIZE_NOT_ALIGNED";
    case 0x88890020: return "AUDCLNT_E_INVALID_DEVICE_PERIOD";
    case 0x80070005: return "E_ACCESSDENIED";
    case 0x80070057: return "E_INVALIDARG";
    case 0x8007000E: return "E_OUTOFMEMORY";
    case 0x80070490: return "E_NOTFOUND";
    case 0x80004005: return "E_FAIL";
    default: return nullptr;
  }
}

std::string HresultText(HRESULT hr) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08X", static_cast<unsigned>(hr));
  const char* name = HresultName(static_cast<uint32_t>(hr));
  return name ? std::string(name) + " (" + hex + ")" : std::string(hex);
}

namespace {

// The worker: a job slot guarded by a critical section, and two auto-reset events.
struct ComWorker {
  CRITICAL_SECTION callers;  // one caller at a time
  HANDLE job_ready = nullptr;
  HANDLE job_done = nullptr;
  const std::function<void()>* job = nullptr;

  ComWorker() {
    InitializeCriticalSection(&callers);
    job_ready = CreateEventW(nullptr, FALSE, FALSE, nullptr);
    job_done = CreateEventW(nullptr, FALSE, FALSE, nullptr);
    HANDLE t = CreateThread(nullptr, 0, &ComWorker::Main, this, 0, nullptr);
    if (t != nullptr) CloseHandle(t);  // lives as long as the process
  }

  static DWORD WINAPI Main(void* self) {
    auto* w = static_cast<ComWorker*>(self);
    CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    for (;;) {
      WaitForSingleObject(w->job_ready, INFINITE);
      (*w->job)();
      SetEvent(w->job_done);
    }
  }
};

}  // namespace

void OnComThread(const std::function<void()>& fn) {
  static ComWorker worker;  // started on first use
  EnterCriticalSection(&worker.callers);
  worker.job = &fn;
  SetEvent(worker.job_ready);
  WaitForSingleObject(worker.job_done, INFINITE);
  worker.job = nullptr;
  LeaveCriticalSection(&worker.callers);
}

}  // namespace auris::wasapi
