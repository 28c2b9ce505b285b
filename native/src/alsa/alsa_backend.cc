// ALSA backend: enumeration, capability probing and the playback stream (see backend.h for the
// thread rules). Exclusive mode opens the PCM with automatic resampling, format and channel
// conversion disabled and sets format, rate and channels exactly; what the driver accepted is
// read back and compared, so nothing is converted silently.
#include <errno.h>
#include <time.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "alsa/alsa_api.h"
#include "alsa/alsa_internal.h"
#include "backend.h"

namespace auris::alsa {

namespace {

const uint32_t kProbeRates[] = {8000,   11025,  16000,  22050,  32000,  44100,  48000, 88200,
                                96000,  176400, 192000, 352800, 384000, 705600, 768000};

int64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void SleepNs(int64_t ns) {
  timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
  nanosleep(&ts, nullptr);
}

// Heap blocks for ALSA's opaque parameter structs (allocated on the JS thread only).
struct HwParams {
  explicit HwParams(const Api* a) : p(static_cast<snd_pcm_hw_params_t*>(std::calloc(1, a->pcm_hw_params_sizeof()))) {}
  ~HwParams() { std::free(p); }
  snd_pcm_hw_params_t* p;
};
struct PcmStatus {
  explicit PcmStatus(const Api* a) : p(static_cast<snd_pcm_status_t*>(std::calloc(1, a->pcm_status_sizeof()))) {}
  ~PcmStatus() { std::free(p); }
  snd_pcm_status_t* p;
};
struct SwParams {
  explicit SwParams(const Api* a) : p(static_cast<snd_pcm_sw_params_t*>(std::calloc(1, a->pcm_sw_params_sizeof()))) {}
  ~SwParams() { std::free(p); }
  snd_pcm_sw_params_t* p;
};

int OpenFlags(Mode mode) {
  return kNonBlock | (mode == Mode::kExclusive ? (kNoAutoResample | kNoAutoChannels | kNoAutoFormat) : 0);
}

}  // namespace

std::string ErrorText(const Api* a, int err) { return a->strerror(err); }

Status OpenError(const Api* a, const std::string& device, int err) {
  const std::string what = "ALSA cannot open \"" + device + "\": " + ErrorText(a, err);
  if (err == -EBUSY) return Status::Fail(ErrorCode::kDeviceBusy, err, what);
  if (err == -ENOENT || err == -ENODEV || err == -ENXIO) return Status::Fail(ErrorCode::kNotFound, err, what);
  return Status::Fail(ErrorCode::kDevice, err, what);
}

// A PCM's chain as alsa-lib reports its top plugin; bit-perfect only where no plugin can change samples.
static bool TypeKeepsSamples(int type) {
  return type == kTypeHw || type == kTypeFile || type == kTypeNull || type == kTypeHooks || type == kTypeIoplug;
}

// An open PCM whose chain keeps samples: its top plugin is one of the above and it is not a
// sound server's PCM (pulse, pipewire). The same rule for a probe and for an open stream.
static bool ChainKeepsSamples(const Api* a, snd_pcm_t* pcm, const std::string& device) {
  const std::string name = a->pcm_name(pcm) ? a->pcm_name(pcm) : device;
  return TypeKeepsSamples(a->pcm_type(pcm)) && name.find("pulse") == std::string::npos && name.find("pipewire") == std::string::npos;
}

class AlsaStream final : public Backend {
 public:
  explicit AlsaStream(const Api* api) : a_(api) {}
  ~AlsaStream() override { Close(); }

  Status Open(const OpenRequest& req, Negotiated* out) override {
    const FormatEntry* fmt = FindFormat(req.container);
    if (fmt == nullptr) return Status::Fail(ErrorCode::kInvalid, 0, "unknown container " + req.container);
    int err = a_->pcm_open(&pcm_, req.device.c_str(), kStreamPlayback, OpenFlags(req.mode));
    if (err < 0) {
      pcm_ = nullptr;
      return OpenError(a_, req.device, err);
    }
    Status s = Configure(req, *fmt, out);
    if (!s.ok) Close();
    else status_ = std::make_unique<PcmStatus>(a_);  // allocated here: the device thread must not allocate
    return s;
  }

  void Run(DeviceContext& ctx) override {
    SpscRing& ring = ctx.ring();
    const size_t fb = frame_bytes_;
    // What the device may hold unplayed stays in the ring, to be sent again after an xrun.
    ring.SetRetain(static_cast<size_t>(buffer_frames_) * fb);
    // Nothing is written before JS queued data; a device that never got data needs no drain.
    bool wrote_since_prepare = false;
    bool paused = false, hw_paused = false;
    const int64_t idle_ns = PeriodNs() / 4 < 2000000 ? PeriodNs() / 4 : 2000000;

    while (!ctx.stop_requested()) {
      if (ctx.drop_requested()) {
        if (!DropQueued(ctx)) return;
        wrote_since_prepare = false;
        hw_paused = false;  // a dropped stream is prepared, not paused: resume simply feeds it again
        continue;
      }
      if (ctx.pause_requested() != paused) {
        paused = !paused;
        if (paused) {
          // Hardware pause keeps the queued audio; without it, feeding simply stops and the device
          // plays out what it holds (the resulting xrun is expected and not reported).
          hw_paused = can_pause_ && a_->pcm_state(pcm_) == kRunning && a_->pcm_pause(pcm_, 1) == 0;
        } else if (hw_paused) {
          hw_paused = false;
          if (a_->pcm_pause(pcm_, 0) < 0 && !Recover(ctx, a_->pcm_state(pcm_) == kDisconnected ? -ENODEV : -EPIPE, false)) return;
        }
        PublishDelay(ctx);
      }
      if (paused) {
        // An unplug while paused is still a loss (an xrun here is the expected play-out).
        Stamp();
        if (a_->pcm_state(pcm_) == kDisconnected) {
          Lost(ctx, -ENODEV);
          return;
        }
        SleepNs(idle_ns);
        continue;
      }

      size_t run = 0;
      const uint8_t* data = ring.PeekContiguous(&run);
      snd_pcm_uframes_t frames = run / fb;
      if (frames == 0) {
        if (ctx.drain_requested()) {
          // Play out at the device's pace while pause and stop still act; block only for the last period.
          if (wrote_since_prepare && HoldsMoreThanAPeriod()) {
            if (!CheckAlive(ctx)) return;
            PublishDelay(ctx);
            SleepNs(idle_ns);
            continue;
          }
          if (!Drain(ctx, wrote_since_prepare)) return;
          wrote_since_prepare = false;
          continue;
        }
        if (!CheckAlive(ctx)) return;
        SleepNs(idle_ns);
        continue;
      }
      // Write whole periods while filling; a short tail only when draining or the device starves.
      if (frames < period_frames_ && !ctx.drain_requested() && ring.Readable() / fb < period_frames_) {
        // Waiting for a whole period: the device may stop meanwhile (unplug, xrun), and nothing
        // else would notice it while no write is made.
        if (!CheckAlive(ctx)) return;
        bool starving = false;
        if (a_->pcm_state(pcm_) == kRunning) {
          snd_pcm_sframes_t delay = 0;
          Stamp();
          const int err = a_->pcm_delay(pcm_, &delay);
          // A failure is handled now: sleeping first would let the position run on past a loss.
          if (err < 0) {
            if (!Recover(ctx, err, true)) return;
            continue;
          }
          starving = delay < static_cast<snd_pcm_sframes_t>(period_frames_);
        }
        if (!starving) {
          SleepNs(idle_ns);
          continue;
        }
      }
      if (frames > period_frames_) frames = period_frames_;
      Stamp();
      const snd_pcm_sframes_t n = a_->pcm_writei(pcm_, data, frames);
      if (n > 0) {
        ring.Consume(static_cast<size_t>(n) * fb);
        wrote_since_prepare = true;
        PublishDelay(ctx);
        continue;
      }
      if (n == -EAGAIN || n == 0) {
        // The device buffer is full: wait for room (bounded, so stop requests are seen).
        const int w = a_->pcm_wait(pcm_, 50);
        if (w < 0) {
          if (!Recover(ctx, w, true)) return;
          continue;
        }
        Stamp();
        const snd_pcm_sframes_t avail = a_->pcm_avail_update(pcm_);
        if (avail < 0) {
          if (!Recover(ctx, static_cast<int>(avail), true)) return;
          continue;
        }
        if (avail < static_cast<snd_pcm_sframes_t>(frames)) SleepNs(idle_ns);
        continue;
      }
      // The chunk was not written: it stays in the ring and is retried after recovery.
      if (!Recover(ctx, static_cast<int>(n), true)) return;
    }
  }

  bool CanDrop() const override { return true; }

  int64_t HeldFrames() override {
    snd_pcm_sframes_t d = 0;
    if (pcm_ == nullptr) return -1;
    // A hardware pause stops the clock: the count read next is the one the drop leaves.
    if (can_pause_ && a_->pcm_state(pcm_) == kRunning) a_->pcm_pause(pcm_, 1);
    if (a_->pcm_delay(pcm_, &d) < 0) return -1;
    return d < 0 ? 0 : d;
  }

  void Close() override {
    if (pcm_ != nullptr) {
      a_->pcm_drop(pcm_);
      a_->pcm_close(pcm_);
      pcm_ = nullptr;
    }
  }

 private:
  Status Configure(const OpenRequest& req, const FormatEntry& fmt, Negotiated* out) {
    HwParams hw(a_);
    SwParams sw(a_);
    auto refuse = [&](const std::string& what) {
      return Status::Fail(ErrorCode::kFormatRefused, -EINVAL, "\"" + req.device + "\" refuses " + what);
    };
    int err = a_->pcm_hw_params_any(pcm_, hw.p);
    if (err < 0) return Status::Fail(ErrorCode::kDevice, err, "hw_params_any: " + ErrorText(a_, err));
    if (req.mode == Mode::kExclusive) a_->pcm_hw_params_set_rate_resample(pcm_, hw.p, 0);
    if ((err = a_->pcm_hw_params_set_access(pcm_, hw.p, kAccessRwInterleaved)) < 0)
      return Status::Fail(ErrorCode::kDevice, err, "interleaved read/write access refused: " + ErrorText(a_, err));
    if (a_->pcm_hw_params_set_format(pcm_, hw.p, fmt.value) < 0) return refuse(std::string("format ") + fmt.name);
    if (a_->pcm_hw_params_set_channels(pcm_, hw.p, req.channels) < 0) return refuse(std::to_string(req.channels) + " channels with " + fmt.name);
    if (a_->pcm_hw_params_set_rate(pcm_, hw.p, req.rate, 0) < 0) return refuse(std::to_string(req.rate) + " Hz with " + fmt.name);
    unsigned buffer_us = req.buffer_us, period_us = req.period_us;
    int dir = 0;
    if ((err = a_->pcm_hw_params_set_buffer_time_near(pcm_, hw.p, &buffer_us, &dir)) < 0)
      return Status::Fail(ErrorCode::kDevice, err, "buffer time: " + ErrorText(a_, err));
    dir = 0;
    if ((err = a_->pcm_hw_params_set_period_time_near(pcm_, hw.p, &period_us, &dir)) < 0)
      return Status::Fail(ErrorCode::kDevice, err, "period time: " + ErrorText(a_, err));
    if ((err = a_->pcm_hw_params(pcm_, hw.p)) < 0) {
      if (err == -EBUSY) return OpenError(a_, req.device, err);
      return Status::Fail(ErrorCode::kDevice, err, "hw_params: " + ErrorText(a_, err));
    }

    // Read back what the driver actually configured.
    HwParams cur(a_);
    a_->pcm_hw_params_current(pcm_, cur.p);
    int got_format = -1;
    unsigned got_rate = 0, got_channels = 0;
    snd_pcm_uframes_t buffer = 0, period = 0;
    a_->pcm_hw_params_get_format(cur.p, &got_format);
    dir = 0;
    a_->pcm_hw_params_get_rate(cur.p, &got_rate, &dir);
    a_->pcm_hw_params_get_channels(cur.p, &got_channels);
    a_->pcm_hw_params_get_buffer_size(cur.p, &buffer);
    dir = 0;
    a_->pcm_hw_params_get_period_size(cur.p, &period, &dir);
    if (period == 0) period = 1;  // some drivers report 0 (MPD works around the same)
    const FormatEntry* got = FindFormat(got_format);
    if (got == nullptr || got->value != fmt.value || got_rate != req.rate || got_channels != req.channels)
      return refuse("the exact format: the driver configured something else");

    if ((err = a_->pcm_sw_params_current(pcm_, sw.p)) < 0 ||
        (err = a_->pcm_sw_params_set_start_threshold(pcm_, sw.p, buffer > period ? buffer - period : buffer)) < 0 ||
        (err = a_->pcm_sw_params_set_avail_min(pcm_, sw.p, period)) < 0 || (err = a_->pcm_sw_params(pcm_, sw.p)) < 0)
      return Status::Fail(ErrorCode::kDevice, err, "sw_params: " + ErrorText(a_, err));

    rate_ = got_rate;
    frame_bytes_ = static_cast<size_t>(got->bytes) * got_channels;
    period_frames_ = period;
    buffer_frames_ = buffer;
    can_pause_ = a_->pcm_hw_params_can_pause(cur.p) == 1;

    const int type = a_->pcm_type(pcm_);
    pointer_modulo_buffer_ = type == kTypeIoplug;
    const std::string type_name = a_->pcm_type_name(type) ? a_->pcm_type_name(type) : "?";
    const std::string name = a_->pcm_name(pcm_) ? a_->pcm_name(pcm_) : req.device;
    out->container = got->name;
    out->rate = got_rate;
    out->channels = got_channels;
    out->buffer_frames = buffer;
    out->period_frames = period;
    out->can_pause = can_pause_;
    out->bit_perfect = req.mode == Mode::kExclusive && ChainKeepsSamples(a_, pcm_, req.device);
    out->mixer_rate = 0;
    out->detail = std::string("ALSA ") + name + " (" + type_name + "), " + got->name;
    return Status::Ok();
  }

  int64_t PeriodNs() const { return static_cast<int64_t>(period_frames_) * 1000000000 / (rate_ ? rate_ : 1); }

  // Publishes what the device holds now. When the device cannot say (an xrun or a loss the next
  // call handles), the last value stands: publishing 0 would move the position by a whole buffer.
  void PublishDelay(DeviceContext& ctx) {
    snd_pcm_sframes_t d = 0;
    if (a_->pcm_delay(pcm_, &d) < 0) return;
    ctx.PublishDelay(d < 0 ? 0 : d, a_->pcm_state(pcm_) == kRunning, MonotonicNs());
  }

  // The time of the call into the device that is about to be made: when that call is the one that
  // finds the device gone, the device was still playing up to then, and not after.
  void Stamp() { call_ns_ = MonotonicNs(); }

  // The device is gone: the position freezes at the frame it stopped at. A device that still
  // answers a status tells exactly how much it held unplayed; otherwise the delay is extrapolated
  // to the start of the call that found it gone (not to now: time passes before a loss is handled).
  void Lost(DeviceContext& ctx, long os_error) {
    ctx.DeviceLost(os_error, UnplayedInDevice(ctx), call_ns_);
  }

  // Frames the device held and had not played when it stopped (read before a prepare drops them):
  // the buffer less the room the device reports. -1 when the device cannot say, or when its answer
  // cannot be believed: an ioplug PCM reports its pointer modulo the buffer, so after a whole
  // buffer's time without a reading (a starved, late thread) a buffer played out and a buffer not
  // played at all look the same.
  int64_t UnplayedInDevice(DeviceContext& ctx) {
    if (a_->pcm_status(pcm_, status_->p) < 0) return -1;
    const snd_pcm_uframes_t avail = a_->pcm_status_get_avail(status_->p);
    if (avail >= buffer_frames_) return 0;
    const int64_t since_reading_ns = MonotonicNs() - ctx.published_at_ns();
    if (pointer_modulo_buffer_ && since_reading_ns * static_cast<int64_t>(rate_) >= static_cast<int64_t>(buffer_frames_) * 1000000000) return -1;
    return static_cast<int64_t>(buffer_frames_ - avail);
  }

  // Prepares the device after it stopped, and sends again what it held unplayed (from the frame
  // it stopped at, which the ring still retains). When the device cannot say where it stopped,
  // what it held by the clock (0 when it would have run dry by now) is reported lost instead.
  // Returns the prepare's error (0 = prepared).
  int PrepareKeepingQueued(DeviceContext& ctx) {
    const int64_t unplayed = UnplayedInDevice(ctx);
    const int64_t guess = unplayed >= 0 ? 0 : ctx.DeviceDelay(MonotonicNs());
    const int err = a_->pcm_prepare(pcm_);
    if (err < 0) return err;
    const size_t fb = frame_bytes_;
    if (unplayed > 0) {
      const size_t back = ctx.ring().Rewind(static_cast<size_t>(unplayed) * fb) / fb;
      if (static_cast<int64_t>(back) < unplayed) ctx.FramesLost(static_cast<uint64_t>(unplayed) - back);
    } else if (guess > 0) {
      ctx.FramesLost(static_cast<uint64_t>(guess));
    }
    return 0;
  }

  // True while the device has more than one period left to play (a stream that was written but
  // not started yet is started here, so that it plays out).
  bool HoldsMoreThanAPeriod() {
    Stamp();
    if (a_->pcm_state(pcm_) == kPrepared) a_->pcm_start(pcm_);
    snd_pcm_sframes_t d = 0;
    return a_->pcm_state(pcm_) == kRunning && a_->pcm_delay(pcm_, &d) == 0 && d > static_cast<snd_pcm_sframes_t>(period_frames_);
  }

  // Sees an unplug while idle (no write to report it).
  bool CheckAlive(DeviceContext& ctx) {
    Stamp();
    const int st = a_->pcm_state(pcm_);
    if (st == kDisconnected) {
      Lost(ctx, -ENODEV);
      return false;
    }
    if (st == kXrun) return Recover(ctx, -EPIPE, true);
    return true;
  }

  // Plays out everything written, then leaves the PCM prepared for more.
  bool Drain(DeviceContext& ctx, bool wrote) {
    if (wrote) {
      a_->pcm_nonblock(pcm_, 0);
      const int err = a_->pcm_drain(pcm_);
      a_->pcm_nonblock(pcm_, 1);
      if (err == -ENODEV || err == -EBADFD || a_->pcm_state(pcm_) == kDisconnected) {
        Lost(ctx, err < 0 ? err : -ENODEV);
        return false;
      }
      const int perr = a_->pcm_prepare(pcm_);
      if (perr < 0) return Recover(ctx, perr, false);
    }
    ctx.Drained();
    PublishDelay(ctx);
    return true;
  }

  // Drops what the device and the ring hold (a seek): the device is halted first where it can be,
  // so the count of frames it held is the one the drop discards. Returns false when the device is
  // gone or failed; Run must then return.
  bool DropQueued(DeviceContext& ctx) {
    SpscRing& ring = ctx.ring();
    if (can_pause_ && a_->pcm_state(pcm_) == kRunning) a_->pcm_pause(pcm_, 1);
    snd_pcm_sframes_t held = 0;
    if (a_->pcm_delay(pcm_, &held) < 0 || held < 0) held = 0;
    a_->pcm_drop(pcm_);
    const int perr = a_->pcm_prepare(pcm_);
    const uint64_t unsent = ring.Readable() / frame_bytes_;
    ring.ConsumeAll();
    ctx.Dropped(static_cast<uint64_t>(held), unsent);
    if (perr < 0) return Recover(ctx, perr, false);
    return true;
  }

  // xrun and suspend recovery that loses no queued byte (the failed chunk is still in the ring).
  // Returns false when the device is gone or failed; Run must then return.
  bool Recover(DeviceContext& ctx, int err, bool count_underrun) {
    if (err == -ENODEV || err == -EBADFD || err == -ENOTTY || err == -EIO || a_->pcm_state(pcm_) == kDisconnected) {
      Lost(ctx, err);
      return false;
    }
    if (err == -EPIPE) {
      err = PrepareKeepingQueued(ctx);
      // A device that cannot be prepared again is gone or broken: that is not an underrun.
      if (err < 0) return Recover(ctx, err == -EPIPE ? -EIO : err, false);
      if (count_underrun) ctx.Underrun();
      PublishDelay(ctx);
      return true;
    }
    if (err == -ESTRPIPE) {
      int r;
      for (int i = 0; i < 100 && (r = a_->pcm_resume(pcm_)) == -EAGAIN && !ctx.stop_requested(); i++) SleepNs(10000000);
      if (a_->pcm_state(pcm_) != kRunning) {
        const int perr = PrepareKeepingQueued(ctx);
        if (perr < 0) return Recover(ctx, perr == -ESTRPIPE ? -EIO : perr, false);
      }
      PublishDelay(ctx);
      return true;
    }
    if (err == -EINTR || err == -EAGAIN) return true;
    ctx.Failed(err);
    return false;
  }

  const Api* a_;
  snd_pcm_t* pcm_ = nullptr;
  uint32_t rate_ = 0;
  size_t frame_bytes_ = 1;
  snd_pcm_uframes_t period_frames_ = 1, buffer_frames_ = 1;
  bool can_pause_ = false;
  std::unique_ptr<PcmStatus> status_;
  int64_t call_ns_ = 0;
  bool pointer_modulo_buffer_ = false;  // an ioplug PCM: see UnplayedInDevice
};

// Hinted PCMs that are converters, the default alias or the discard device, not outputs.
static bool IsConverterOrAlias(const char* name) {
  static const char* const kSkip[] = {"default", "null", "lavrate", "samplerate", "speexrate", "speex",
                                      "upmix", "vdownmix", "jack", "oss", "a52", "dcaenc", "usbstream"};
  for (const char* s : kSkip) if (std::strcmp(name, s) == 0) return true;
  return false;
}

class AlsaModuleImpl final : public BackendModule {
 public:
  const char* name() const override { return "alsa"; }

  bool Available(std::string* why) override { return Load(why) != nullptr; }

  Status ListDevices(std::vector<DeviceInfo>* out) override {
    const Api* a = Api_();
    if (a == nullptr) return Unavailable();
    DeviceInfo def;
    def.id = "default";
    def.name = "System default";
    def.description = "the system's default output (PipeWire, PulseAudio or dmix): shared, not bit-perfect";
    def.is_default = true;
    def.exclusive = false;
    def.shared = true;
    out->push_back(def);
    ListCards(a, out);
    ListHints(a, out);
    return Status::Ok();
  }

  Status Probe(const std::string& device, Mode mode, Capabilities* out) override {
    const Api* a = Api_();
    if (a == nullptr) return Unavailable();
    snd_pcm_t* pcm = nullptr;
    int err = a->pcm_open(&pcm, device.c_str(), kStreamPlayback, OpenFlags(mode));
    if (err < 0) return OpenError(a, device, err);
    out->keeps_samples = ChainKeepsSamples(a, pcm, device);
    HwParams hw(a);
    out->rate_min = 0;
    out->rate_max = 0;
    for (size_t i = 0; i < kFormatCount; i++) {
      const FormatEntry& f = kFormats[i];
      if (a->pcm_hw_params_any(pcm, hw.p) < 0) break;
      if (mode == Mode::kExclusive) a->pcm_hw_params_set_rate_resample(pcm, hw.p, 0);
      if (a->pcm_hw_params_set_access(pcm, hw.p, kAccessRwInterleaved) < 0) break;
      if (a->pcm_hw_params_set_format(pcm, hw.p, f.value) < 0) continue;
      FormatCaps caps;
      caps.container = f.name;
      a->pcm_hw_params_get_channels_min(hw.p, &caps.channels_min);
      a->pcm_hw_params_get_channels_max(hw.p, &caps.channels_max);
      for (uint32_t r : kProbeRates)
        if (a->pcm_hw_params_test_rate(pcm, hw.p, r, 0) == 0) caps.rates.push_back(r);
      unsigned lo = 0, hi = 0;
      int dir = 0;
      a->pcm_hw_params_get_rate_min(hw.p, &lo, &dir);
      dir = 0;
      a->pcm_hw_params_get_rate_max(hw.p, &hi, &dir);
      if (out->rate_min == 0 || lo < out->rate_min) out->rate_min = lo;
      if (hi > out->rate_max) out->rate_max = hi;
      if (!caps.rates.empty()) out->formats.push_back(std::move(caps));
    }
    a->pcm_close(pcm);
    return Status::Ok();
  }

  Status OpenVolume(const std::string& device, const std::string& control, std::unique_ptr<Volume>* out) override {
    const Api* a = Api_();
    if (a == nullptr) return Unavailable();
    return OpenMixerVolume(a, device, control, out);
  }

  std::unique_ptr<Backend> NewStream() override {
    const Api* a = Api_();
    if (a == nullptr) return nullptr;
    return std::make_unique<AlsaStream>(a);
  }

 private:
  static const Api* Api_() { return Load(nullptr); }
  static Status Unavailable() {
    std::string why;
    Load(&why);
    return Status::Fail(ErrorCode::kUnavailable, 0, "ALSA is unavailable: " + why);
  }

  static void ListCards(const Api* a, std::vector<DeviceInfo>* out) {
    int card = -1;
    std::unique_ptr<void, decltype(&std::free)> info(std::calloc(1, a->ctl_card_info_sizeof()), &std::free);
    std::unique_ptr<void, decltype(&std::free)> pinfo(std::calloc(1, a->pcm_info_sizeof()), &std::free);
    auto* ci = static_cast<snd_ctl_card_info_t*>(info.get());
    auto* pi = static_cast<snd_pcm_info_t*>(pinfo.get());
    while (a->card_next(&card) == 0 && card >= 0) {
      snd_ctl_t* ctl = nullptr;
      const std::string hw = "hw:" + std::to_string(card);
      if (a->ctl_open(&ctl, hw.c_str(), 0) < 0) continue;
      if (a->ctl_card_info(ctl, ci) == 0) {
        const std::string card_id = a->ctl_card_info_get_id(ci);
        const std::string card_name = a->ctl_card_info_get_name(ci);
        const std::string long_name = a->ctl_card_info_get_longname(ci);
        int dev = -1;
        while (a->ctl_pcm_next_device(ctl, &dev) == 0 && dev >= 0) {
          a->pcm_info_set_device(pi, static_cast<unsigned>(dev));
          a->pcm_info_set_subdevice(pi, 0);
          a->pcm_info_set_stream(pi, kStreamPlayback);
          if (a->ctl_pcm_info(ctl, pi) < 0) continue;  // capture-only device
          DeviceInfo d;
          d.id = "hw:CARD=" + card_id + ",DEV=" + std::to_string(dev);
          d.name = card_name + ": " + a->pcm_info_get_name(pi);
          d.description = long_name + " (card " + std::to_string(card) + ", device " + std::to_string(dev) + ")";
          out->push_back(d);
        }
      }
      a->ctl_close(ctl);
    }
  }

  // Named PCMs from the configuration (asoundrc, plugins) that carry a hint, except the per-card
  // aliases (front:, surround51:, plughw: ...) that duplicate hw: devices.
  static void ListHints(const Api* a, std::vector<DeviceInfo>* out) {
    void** hints = nullptr;
    if (a->device_name_hint(-1, "pcm", &hints) < 0 || hints == nullptr) return;
    for (void** h = hints; *h != nullptr; h++) {
      char* name = a->device_name_get_hint(*h, "NAME");
      char* desc = a->device_name_get_hint(*h, "DESC");
      char* ioid = a->device_name_get_hint(*h, "IOID");
      const bool output = ioid == nullptr || std::strcmp(ioid, "Output") == 0;
      if (name != nullptr && output && std::strchr(name, ':') == nullptr && !IsConverterOrAlias(name)) {
        DeviceInfo d;
        d.id = name;
        std::string text = desc ? desc : name;
        for (char& c : text) if (c == '\n') c = ' ';
        d.name = text;
        d.description = "ALSA PCM \"" + d.id + "\"";
        const bool mixer = d.id == "pulse" || d.id == "pipewire" || d.id == "dmix" || d.id == "sysdefault";
        d.shared = mixer;
        d.exclusive = !mixer;
        out->push_back(d);
      }
      std::free(name);
      std::free(desc);
      std::free(ioid);
    }
    a->device_name_free_hint(hints);
  }
};

}  // namespace auris::alsa

namespace auris {
BackendModule* AlsaModule() {
  static alsa::AlsaModuleImpl module;
  return &module;
}
}  // namespace auris
