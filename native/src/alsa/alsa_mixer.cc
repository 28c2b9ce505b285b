// Hardware volume through the ALSA simple mixer, in dB. Used on the JS thread only; the mixer
// handle is separate from the PCM, so it never touches the device thread.
#include <cmath>
#include <cstring>
#include <strings.h>

#include "alsa/alsa_internal.h"

namespace auris::alsa {

namespace {

// "hw:CARD=DAC,DEV=0" -> "hw:CARD=DAC", "hw:1,0" -> "hw:1"; empty for anything that is not a card.
std::string CardCtlName(const std::string& device) {
  std::string rest;
  if (device.rfind("hw:", 0) == 0) rest = device.substr(3);
  else if (device.rfind("plughw:", 0) == 0) rest = device.substr(7);
  else return "";
  const size_t comma = rest.find(',');
  std::string card = comma == std::string::npos ? rest : rest.substr(0, comma);
  if (card.rfind("CARD=", 0) == 0) card = card.substr(5);
  return card.empty() ? "" : "hw:" + card;
}

class MixerVolume final : public Volume {
 public:
  MixerVolume(const Api* a, snd_mixer_t* m, snd_mixer_elem_t* e, std::string name, long min, long max)
      : a_(a), mixer_(m), elem_(e), name_(std::move(name)), min_(min), max_(max) {}
  ~MixerVolume() override { a_->mixer_close(mixer_); }
  std::string control() const override { return name_; }
  double min_db() const override { return min_ / 100.0; }
  double max_db() const override { return max_ / 100.0; }
  Status Get(double* db) override {
    a_->mixer_handle_events(mixer_);
    long v = 0;
    const int err = a_->mixer_selem_get_playback_dB(elem_, kMixerChannelFrontLeft, &v);
    if (err < 0) return Status::Fail(ErrorCode::kDevice, err, "mixer read: " + ErrorText(a_, err));
    *db = v / 100.0;
    return Status::Ok();
  }
  Status Set(double db) override {
    long v = std::lround(db * 100.0);
    if (v < min_) v = min_;
    if (v > max_) v = max_;
    // Round down (dir -1): never louder than asked.
    const int err = a_->mixer_selem_set_playback_dB_all(elem_, v, -1);
    if (err < 0) return Status::Fail(ErrorCode::kDevice, err, "mixer write: " + ErrorText(a_, err));
    return Status::Ok();
  }

 private:
  const Api* a_;
  snd_mixer_t* mixer_;
  snd_mixer_elem_t* elem_;
  std::string name_;
  long min_, max_;
};

}  // namespace

Status OpenMixerVolume(const Api* a, const std::string& device, const std::string& control, std::unique_ptr<Volume>* out) {
  out->reset();
  const std::string ctl = CardCtlName(device);
  if (ctl.empty()) return Status::Ok();
  snd_mixer_t* m = nullptr;
  int err = a->mixer_open(&m, 0);
  if (err < 0) return Status::Fail(ErrorCode::kDevice, err, "mixer open: " + ErrorText(a, err));
  if ((err = a->mixer_attach(m, ctl.c_str())) < 0 || (err = a->mixer_selem_register(m, nullptr, nullptr)) < 0 ||
      (err = a->mixer_load(m)) < 0) {
    a->mixer_close(m);
    if (err == -ENOENT || err == -ENODEV) return Status::Fail(ErrorCode::kNotFound, err, "no mixer for " + device);
    return Status::Fail(ErrorCode::kDevice, err, "mixer " + ctl + ": " + ErrorText(a, err));
  }
  // The control asked for, else the usual digital playback controls in order.
  const char* preferred[] = {"PCM", "Master", "Speaker", "Headphone", "Digital"};
  snd_mixer_elem_t* best = nullptr;
  int best_rank = 100;
  for (snd_mixer_elem_t* e = a->mixer_first_elem(m); e != nullptr; e = a->mixer_elem_next(e)) {
    if (!a->mixer_selem_has_playback_volume(e) || a->mixer_selem_get_index(e) != 0) continue;
    long lo = 0, hi = 0;
    if (a->mixer_selem_get_playback_dB_range(e, &lo, &hi) < 0 || lo >= hi) continue;
    const char* n = a->mixer_selem_get_name(e);
    int rank = 50;
    if (!control.empty()) rank = strcasecmp(n, control.c_str()) == 0 ? 0 : 100;
    else for (int i = 0; i < 5; i++) if (strcasecmp(n, preferred[i]) == 0) { rank = i; break; }
    if (rank < best_rank) { best = e; best_rank = rank; }
  }
  if (best == nullptr || best_rank == 100) {
    a->mixer_close(m);
    return Status::Ok();
  }
  long lo = 0, hi = 0;
  a->mixer_selem_get_playback_dB_range(best, &lo, &hi);
  out->reset(new MixerVolume(a, m, best, a->mixer_selem_get_name(best), lo, hi));
  return Status::Ok();
}

}  // namespace auris::alsa
