// The OS backend interface of the addon. Each OS backend (src/alsa/, src/wasapi/) implements
// BackendModule (device-level: availability, enumeration, capability probing, volume) and Backend
// (one open stream). Nothing here knows Node-API: addon.cc and stream.cc translate to JS.
//
// Threads: every BackendModule method and Backend::Open/Close run on the JS thread (they may
// allocate and block briefly). Backend::Run runs on the stream's own device thread and must never
// lock, allocate, log or call JS; it talks to the rest only through DeviceContext.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <node_api.h>

#include "ring.h"

namespace auris {

// Error kinds crossing into JS as { code }. native/index.ts maps them onto AurisError codes.
enum class ErrorCode { kFormatRefused, kDeviceBusy, kDeviceLost, kDevice, kNotFound, kUnavailable, kInvalid };

inline const char* ErrorCodeName(ErrorCode c) {
  switch (c) {
    case ErrorCode::kFormatRefused: return "FORMAT_REFUSED";
    case ErrorCode::kDeviceBusy: return "DEVICE_BUSY";
    case ErrorCode::kDeviceLost: return "DEVICE_LOST";
    case ErrorCode::kDevice: return "DEVICE";
    case ErrorCode::kNotFound: return "NOT_FOUND";
    case ErrorCode::kUnavailable: return "UNAVAILABLE";
    case ErrorCode::kInvalid: return "INVALID";
  }
  return "DEVICE";
}

// Outcome of a JS-thread operation. os_error is -errno (ALSA) or an HRESULT (WASAPI).
struct Status {
  bool ok = true;
  ErrorCode code = ErrorCode::kDevice;
  long os_error = 0;
  std::string message;
  static Status Ok() { return Status{}; }
  static Status Fail(ErrorCode code, long os_error, std::string message) {
    Status s;
    s.ok = false;
    s.code = code;
    s.os_error = os_error;
    s.message = std::move(message);
    return s;
  }
};

enum class Mode { kExclusive, kShared };

// Bytes per sample of a container name (S8 1, S16_LE 2, S24_3LE 3, FLOAT64_LE 8, the rest 4).
inline unsigned ContainerBytes(const std::string& c) {
  if (c == "S8" || c == "DSD_U8") return 1;
  if (c == "S16_LE" || c == "DSD_U16_LE" || c == "DSD_U16_BE") return 2;
  if (c == "S24_3LE") return 3;
  if (c == "FLOAT64_LE") return 8;
  return 4;
}

// What JS asks for. JS has validated every field. Containers are named as ALSA names them
// ("S16_LE", "S24_3LE", "S24_LE", "S32_LE", "FLOAT_LE", ...); WASAPI maps them to
// WAVEFORMATEXTENSIBLE (S24_LE/S32_LE with valid_bits 24 = 24-in-32).
struct OpenRequest {
  std::string device;
  Mode mode = Mode::kExclusive;
  std::string container;
  uint32_t rate = 0;
  uint32_t channels = 0;
  uint32_t valid_bits = 0;
  uint32_t buffer_us = 0;
  uint32_t period_us = 0;
  std::string strategy;  // backend-specific option (WASAPI: "event" | "push"); empty = default
};

// What the driver accepted, read back after configuring it.
struct Negotiated {
  std::string container;
  uint32_t valid_bits = 0;  // significant bits in the container (24 for WASAPI 24-in-32)
  uint32_t rate = 0;
  uint32_t channels = 0;
  uint64_t buffer_frames = 0;
  uint64_t period_frames = 0;
  bool can_pause = false;
  bool bit_perfect = false;
  uint32_t mixer_rate = 0;  // shared mode: the system mixer's rate when known, else 0
  std::string detail;       // for people: "ALSA hw, S24_3LE", "shared through pulse"...
  std::string strategy;         // how the stream is driven (WASAPI: "event" | "push" | "shared"); may be empty
  std::string fallback_reason;  // why the preferred strategy was not used; empty when it was
};

struct FormatCaps {
  std::string container;
  uint32_t valid_bits = 0;  // 0 = every bit of the container; 24 for WASAPI 24-in-32 (S32_LE)
  std::vector<uint32_t> rates;
  uint32_t channels_min = 0;
  uint32_t channels_max = 0;
};

struct Capabilities {
  std::vector<FormatCaps> formats;  // only formats the device accepts
  uint32_t rate_min = 0;
  uint32_t rate_max = 0;
  bool keeps_samples = true;  // no plugin in the device's chain can change samples (ALSA: not plug, dmix, rate...)
};

struct DeviceInfo {
  std::string id;           // what OpenRequest.device takes: "hw:CARD=DAC,DEV=0", "default", an endpoint id
  std::string name;         // friendly name
  std::string description;  // longer text (card long name, driver)
  bool is_default = false;
  bool exclusive = true;    // exclusive mode makes sense on this device
  bool shared = false;      // it goes through a system mixer
};

// Hardware volume of one device, in dB (the simple mixer on ALSA, IAudioEndpointVolume on WASAPI).
class Volume {
 public:
  virtual ~Volume() = default;
  virtual std::string control() const = 0;
  virtual double min_db() const = 0;
  virtual double max_db() const = 0;
  virtual Status Get(double* db) = 0;
  virtual Status Set(double db) = 0;
};

// The device thread's view of its stream. All methods are lock-free and allocation-free; events
// reach JS through a non-blocking thread-safe function call that only happens on state changes.
class DeviceContext {
 public:
  enum Event : uint32_t { kUnderrun = 1, kDrained = 2, kDeviceLost = 3, kError = 4, kFramesLost = 5, kDropped = 6 };

  DeviceContext(SpscRing* ring, uint32_t rate) : ring_(ring), rate_(rate) {}

  SpscRing& ring() { return *ring_; }
  uint32_t rate() const { return rate_; }
  bool stop_requested() const { return stop_.load(std::memory_order_acquire); }
  bool pause_requested() const { return pause_.load(std::memory_order_acquire); }
  bool drain_requested() const { return drain_.load(std::memory_order_acquire); }
  bool drop_requested() const { return drop_.load(std::memory_order_acquire); }

  // Device thread: everything queued was dropped at the JS thread's request (RequestDrop): the
  // device held `held` unplayed frames and the ring `unsent` more. Those never count as played;
  // the stream stays open, empty and not running, and a drain under way is over.
  void Dropped(uint64_t held, uint64_t unsent) {
    dropped_frames_.fetch_add(held + unsent, std::memory_order_acq_rel);
    drain_.store(false, std::memory_order_release);
    PublishDelay(0, false, published_at_ns());
    drop_.store(false, std::memory_order_release);
    Post(kDropped, 0);
  }
  // Frames sent to the device and then dropped unplayed by RequestDrop, since open.
  uint64_t dropped_frames() const { return dropped_frames_.load(std::memory_order_acquire); }

  // Device thread: everything queued has been played.
  void Drained() {
    drain_.store(false, std::memory_order_release);
    Post(kDrained, 0);
  }
  // Device thread: the device stopped (an xrun) and was restarted. Whatever it held unplayed was
  // sent again, unless FramesLost follows.
  void Underrun() { Post(kUnderrun, underruns_.fetch_add(1, std::memory_order_acq_rel) + 1); }
  // Device thread: frames queued that were never played and could not be sent again (the device
  // did not say where it stopped). Counted since open in frames_lost().
  void FramesLost(uint64_t frames) {
    frames_lost_.fetch_add(frames, std::memory_order_acq_rel);
    Post(kFramesLost, static_cast<long>(frames > 0x7fffffffu ? 0x7fffffffu : frames));
  }
  // Device thread: the device is gone (unplugged, driver reset); Run must return. The delay
  // freezes where the device stopped, so the audible position (and the frames played) stop with
  // it: `held` is what the device reported holding unplayed (-1: it could not say), else the
  // delay is extrapolated to `stopped_ns`, the last moment the device was known to play.
  void DeviceLost(long os_error, int64_t held = -1, int64_t stopped_ns = 0) {
    const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    const int64_t at = stopped_ns > 0 && stopped_ns <= now ? stopped_ns : now;
    PublishDelay(held >= 0 ? held : DeviceDelay(at), false, now);
    lost_.store(true, std::memory_order_release);
    Post(kDeviceLost, os_error);
  }
  // Device thread: an error that stopped the stream; Run must return.
  void Failed(long os_error) {
    failed_.store(true, std::memory_order_release);
    Post(kError, os_error);
  }
  // Device thread: frames queued in the device after the last write, and whether it is playing.
  void PublishDelay(int64_t frames, bool running, int64_t now_ns) {
    seq_.fetch_add(1, std::memory_order_acq_rel);
    delay_frames_.store(frames, std::memory_order_relaxed);
    delay_time_ns_.store(now_ns, std::memory_order_relaxed);
    running_.store(running, std::memory_order_relaxed);
    seq_.fetch_add(1, std::memory_order_acq_rel);
  }

  // Device thread: when the delay was last published (a reading of the device's position).
  int64_t published_at_ns() const { return delay_time_ns_.load(std::memory_order_relaxed); }

  // JS thread: device-side delay now, extrapolated from the last published value.
  int64_t DeviceDelay(int64_t now_ns) const {
    for (int tries = 0; tries < 100; tries++) {
      const uint64_t s1 = seq_.load(std::memory_order_acquire);
      if (s1 & 1) continue;
      const int64_t frames = delay_frames_.load(std::memory_order_relaxed);
      const int64_t at = delay_time_ns_.load(std::memory_order_relaxed);
      const bool running = running_.load(std::memory_order_relaxed);
      if (seq_.load(std::memory_order_acquire) != s1) continue;
      if (!running || pause_requested()) return frames;
      const int64_t played = (now_ns - at) * static_cast<int64_t>(rate_) / 1000000000;
      return frames > played ? frames - played : 0;
    }
    return delay_frames_.load(std::memory_order_relaxed);
  }

  // JS thread controls.
  void RequestStop() { stop_.store(true, std::memory_order_release); }
  void RequestPause(bool on) { pause_.store(on, std::memory_order_release); }
  void RequestDrain() { drain_.store(true, std::memory_order_release); }
  // The producer must not write until the kDropped event: the device thread empties the ring.
  void RequestDrop() { drop_.store(true, std::memory_order_release); }
  bool lost() const { return lost_.load(std::memory_order_acquire); }
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  uint64_t underruns() const { return underruns_.load(std::memory_order_acquire); }
  uint64_t frames_lost() const { return frames_lost_.load(std::memory_order_acquire); }

  // Set by Stream before the device thread starts; nullptr = events are dropped.
  void set_event_sink(napi_threadsafe_function tsfn) { tsfn_ = tsfn; }

 private:
  void Post(Event e, long value) {
    if (tsfn_ == nullptr) return;
    // The event and its value travel inside the pointer itself: nothing is allocated here.
    const uintptr_t packed = (static_cast<uintptr_t>(static_cast<uint32_t>(value)) << 8) | e;
    napi_call_threadsafe_function(tsfn_, reinterpret_cast<void*>(packed), napi_tsfn_nonblocking);
  }

  SpscRing* ring_;
  const uint32_t rate_;
  napi_threadsafe_function tsfn_ = nullptr;
  std::atomic<bool> stop_{false}, pause_{false}, drain_{false}, drop_{false}, lost_{false}, failed_{false}, running_{false};
  std::atomic<uint64_t> underruns_{0}, frames_lost_{0}, dropped_frames_{0};
  std::atomic<uint64_t> seq_{0};
  std::atomic<int64_t> delay_frames_{0}, delay_time_ns_{0};
};

// One open stream on one device.
class Backend {
 public:
  virtual ~Backend() = default;
  // JS thread: opens and configures the device exactly as asked (no silent conversion) and
  // fills *out with what the driver reports back. On failure the device is left closed.
  virtual Status Open(const OpenRequest& req, Negotiated* out) = 0;
  // Device thread: moves bytes from ctx.ring() to the device until ctx.stop_requested(), the
  // device is lost or fails. Honors pause and drain requests. Never locks, allocates or logs.
  virtual void Run(DeviceContext& ctx) = 0;
  // JS thread, after Run returned: stops the device at once (queued audio is dropped) and closes it.
  virtual void Close() = 0;
  // JS thread, after Run returned and right before Close: halts the device where it can (so it
  // plays nothing more before the drop) and returns the frames it holds unplayed, as the device
  // says it; -1 when it cannot say (the last published value, extrapolated, stands then).
  virtual int64_t HeldFrames() { return -1; }
  // Whether Run honors ctx.drop_requested() (drops what the device and the ring hold, keeps the
  // stream open and calls ctx.Dropped). Without it the stream is closed and opened again instead.
  virtual bool CanDrop() const { return false; }
};

// Device-level operations of one OS audio API.
class BackendModule {
 public:
  virtual ~BackendModule() = default;
  virtual const char* name() const = 0;  // "alsa", "wasapi"
  // True when the OS library loaded; otherwise *why says what is missing.
  virtual bool Available(std::string* why) = 0;
  virtual Status ListDevices(std::vector<DeviceInfo>* out) = 0;
  // Formats x rates x channels the device accepts in this mode, read from the driver.
  virtual Status Probe(const std::string& device, Mode mode, Capabilities* out) = 0;
  // Hardware volume of the device; *out stays null when it has none.
  virtual Status OpenVolume(const std::string& device, const std::string& control, std::unique_ptr<Volume>* out) = 0;
  virtual std::unique_ptr<Backend> NewStream() = 0;
};

// Registered modules, defined in each backend's folder.
#ifdef AURIS_HAVE_ALSA
BackendModule* AlsaModule();
#endif
#ifdef AURIS_HAVE_WASAPI
BackendModule* WasapiModule();
#endif

}  // namespace auris
