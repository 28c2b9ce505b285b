// A JS-visible output stream: ring + device thread + event function around one Backend.
#pragma once

#include <napi.h>

#include <memory>
#include <thread>

#include "backend.h"

namespace auris {

class Stream : public Napi::ObjectWrap<Stream> {
 public:
  static Napi::Function Init(Napi::Env env);
  // new Stream(external backend module, request object, onEvent(kind, value)). Opens the device or throws { code }.
  explicit Stream(const Napi::CallbackInfo& info);
  ~Stream() override;

 private:
  Napi::Value Write(const Napi::CallbackInfo& info);
  Napi::Value QueuedFrames(const Napi::CallbackInfo& info);
  Napi::Value Delay(const Napi::CallbackInfo& info);
  Napi::Value Drain(const Napi::CallbackInfo& info);
  Napi::Value Drop(const Napi::CallbackInfo& info);
  Napi::Value Pause(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value Negotiated(const Napi::CallbackInfo& info);
  void Shutdown();
  void ThrowIfDead(Napi::Env env);

  std::unique_ptr<Backend> backend_;
  std::unique_ptr<SpscRing> ring_;
  std::unique_ptr<DeviceContext> ctx_;
  std::thread thread_;
  napi_threadsafe_function tsfn_ = nullptr;
  auris::Negotiated negotiated_;
  size_t frame_bytes_ = 1;
  bool closed_ = false;
};

// Throws a JS Error carrying { code, osError } for a failed Status.
[[noreturn]] void ThrowStatus(Napi::Env env, const Status& s);

}  // namespace auris
