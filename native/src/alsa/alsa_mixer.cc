// Hardware volume through the ALSA simple mixer, in dB. Used on the JS thread only; the mixer
// handle is separate from the PCM, so it never touches the device thread.
//
// Which control device: a card's PCM (hw:/plughw:) has its volume on the card's control "hw:CARD";
// any other PCM name has it on the control device of the same name when the ALSA configuration
// defines one (an asoundrc pairing `pcm.dac` with `ctl.dac`, `ctl.default`, a plugin's ctl).
// Which element: the one asked for by name, else the usual ones in order (Master, PCM, Digital,
// Speaker, Headphone), else the first playback volume with a dB scale. Elements without a dB
// scale are never used: Auris speaks dB, and a raw percentage would be a guess.
#include <cmath>
#include <cstring>
#include <limits>
#include <strings.h>

#include "alsa/alsa_internal.h"

namespace auris::alsa {

namespace {

// "hw:CARD=DAC,DEV=0" -> "hw:DAC", "hw:1,0" -> "hw:1"; empty for anything that is not a card.
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

constexpr const char* kUsualControls[] = {"Master", "PCM", "Digital", "Speaker", "Headphone"};
constexpr int kUsualCount = sizeof(kUsualControls) / sizeof(kUsualControls[0]);

// The playback dB range of an element in 0.01 dB, or false when it has none. When the lowest
// step is mute (TLV mute flag), the range starts at the lowest audible step: Auris never mutes
// through a volume setting.
bool PlaybackDbRange(const Api* a, snd_mixer_elem_t* e, long* lo, long* hi) {
  if (a->mixer_selem_get_playback_dB_range(e, lo, hi) < 0) return false;
  if (*lo <= kTlvDbGainMute) {
    long raw_min = 0, raw_max = 0;
    if (a->mixer_selem_get_playback_volume_range(e, &raw_min, &raw_max) < 0 || raw_min >= raw_max) return false;
    if (a->mixer_selem_ask_playback_vol_dB(e, raw_min + 1, lo) < 0) return false;
  }
  return *lo < *hi;
}

class MixerVolume final : public Volume {
 public:
  MixerVolume(const Api* a, snd_mixer_t* m, snd_mixer_elem_t* e, std::string name, long min, long max)
      : a_(a), mixer_(m), elem_(e), name_(std::move(name)), min_(min), max_(max) {}
  ~MixerVolume() override { a_->mixer_close(mixer_); }
  std::string control() const override { return name_; }
  double min_db() const override { return min_ / 100.0; }
  double max_db() const override { return max_ / 100.0; }
  // The level now, including changes made by other programs (their value events are read first);
  // -infinity when the control sits on a mute step.
  Status Get(double* db) override {
    a_->mixer_handle_events(mixer_);
    long v = 0;
    const int err = a_->mixer_selem_get_playback_dB(elem_, kMixerChannelFrontLeft, &v);
    if (err < 0) return Status::Fail(ErrorCode::kDevice, err, "mixer read: " + ErrorText(a_, err));
    *db = v <= kTlvDbGainMute ? -std::numeric_limits<double>::infinity() : v / 100.0;
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
  const std::string card_ctl = CardCtlName(device);
  const bool is_card = !card_ctl.empty();
  const std::string ctl = is_card ? card_ctl : device;
  snd_mixer_t* m = nullptr;
  int err = a->mixer_open(&m, 0);
  if (err < 0) return Status::Fail(ErrorCode::kDevice, err, "mixer open: " + ErrorText(a, err));
  if ((err = a->mixer_attach(m, ctl.c_str())) < 0 || (err = a->mixer_selem_register(m, nullptr, nullptr)) < 0 ||
      (err = a->mixer_load(m)) < 0) {
    a->mixer_close(m);
    // A named PCM without a control device of its name has no hardware volume: not an error.
    if (!is_card) return Status::Ok();
    if (err == -ENOENT || err == -ENODEV) return Status::Fail(ErrorCode::kNotFound, err, "no mixer for " + device);
    return Status::Fail(ErrorCode::kDevice, err, "mixer " + ctl + ": " + ErrorText(a, err));
  }
  snd_mixer_elem_t* best = nullptr;
  int best_rank = kUsualCount + 1;
  long best_lo = 0, best_hi = 0;
  std::string volumes;  // playback volume elements, for the error when the one asked for is missing
  for (snd_mixer_elem_t* e = a->mixer_first_elem(m); e != nullptr; e = a->mixer_elem_next(e)) {
    if (!a->mixer_selem_has_playback_volume(e) || a->mixer_selem_get_index(e) != 0) continue;
    const char* n = a->mixer_selem_get_name(e);
    volumes += (volumes.empty() ? "" : ", ") + std::string(n);
    long lo = 0, hi = 0;
    const bool has_db = PlaybackDbRange(a, e, &lo, &hi);
    if (!control.empty()) {
      if (strcasecmp(n, control.c_str()) != 0) continue;
      if (!has_db) {
        a->mixer_close(m);
        return Status::Fail(ErrorCode::kNotFound, 0, "mixer control \"" + control + "\" of " + ctl + " has no dB scale");
      }
      best = e;
      best_lo = lo;
      best_hi = hi;
      break;
    }
    if (!has_db) continue;
    int rank = kUsualCount;  // any other control with a dB scale, the first one found
    for (int i = 0; i < kUsualCount; i++) if (strcasecmp(n, kUsualControls[i]) == 0) { rank = i; break; }
    if (rank < best_rank) {
      best = e;
      best_rank = rank;
      best_lo = lo;
      best_hi = hi;
    }
  }
  if (best == nullptr) {
    a->mixer_close(m);
    if (control.empty()) return Status::Ok();
    return Status::Fail(ErrorCode::kNotFound, 0,
                        "no playback volume control \"" + control + "\" on " + ctl + " (it has: " + (volumes.empty() ? "none" : volumes) + ")");
  }
  out->reset(new MixerVolume(a, m, best, a->mixer_selem_get_name(best), best_lo, best_hi));
  return Status::Ok();
}

}  // namespace auris::alsa
