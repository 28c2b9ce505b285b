// Small COM and Win32 helpers for the WASAPI backend: an owning COM pointer, UTF-8/UTF-16
// conversion, HRESULT names, and the COM worker thread that keeps every COM call off the JS thread.
#pragma once

#include <windows.h>
#include <objbase.h>

#include <cstdint>
#include <functional>
#include <string>

namespace auris::wasapi {

/** Minimal owning COM pointer (Release on reset/destruction). */
template <class T>
class Com {
 public:
  Com() = default;
  Com(const Com&) = delete;
  Com& operator=(const Com&) = delete;
  ~Com() { reset(); }
  T* operator->() const { return p_; }
  T* get() const { return p_; }
  T** put() {
    reset();
    return &p_;
  }
  void** put_void() { return reinterpret_cast<void**>(put()); }
  void reset() {
    if (p_ != nullptr) {
      p_->Release();
      p_ = nullptr;
    }
  }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  T* p_ = nullptr;
};

std::string Utf8(const wchar_t* w);
std::wstring Wide(const std::string& s);

/** "AUDCLNT_E_DEVICE_IN_USE (0x8889000A)" for the audio HRESULTs, "0x...." for the rest. */
std::string HresultText(HRESULT hr);

/**
 * Runs `fn` on the process's COM worker: one thread, started on first use, that stays in the
 * multithreaded apartment for the life of the process. The MTA therefore outlives every stream,
 * and objects created here may be used by any other MTA thread (the device threads). Blocks the
 * caller until `fn` returned. Calls from several threads are serialized.
 */
void OnComThread(const std::function<void()>& fn);

}  // namespace auris::wasapi
