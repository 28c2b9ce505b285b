# Debian's python3-mpd (python-mpd2) against an MPD server: command lists, idle and noidle, album
# art and pictures (python-mpd2 fetches every binary chunk), stickers, filter expressions, tag
# types and errors. Prints one JSON object with what it saw; the Node test asserts on it.
# Usage: /usr/bin/python3 python_mpd_client.py PORT URI_WITH_COVER URI_OTHER
import hashlib
import json
import sys
import threading
import time

from mpd import CommandError, MPDClient

MPDClient.add_command('getvol', MPDClient._parse_object)
MPDClient.add_command('binarylimit', MPDClient._parse_nothing)

port, with_cover, other = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out = {}


def client():
    c = MPDClient()
    c.timeout = 10
    c.connect('127.0.0.1', port)
    return c


c = client()
out['version'] = c.mpd_version
c.stop()
c.clear()

# Command lists, with list_OK per command.
c.command_list_ok_begin()
c.add('Alpha Band')
c.add(other)
c.status()
c.playlistinfo()
res = c.command_list_end()
out['list_status_length'] = res[2]['playlistlength']
out['list_files'] = [s['file'] for s in res[3]]

# A failing command list: the error names the command and its index.
try:
    c.command_list_ok_begin()
    c.ping()
    c.play(99)
    c.command_list_end()
except CommandError as e:
    out['list_error'] = str(e)

# idle woken by another client; noidle ends an idle with nothing.
waiter = client()
got = {}


def idle():
    got['idle'] = waiter.idle('mixer', 'options')


th = threading.Thread(target=idle)
th.start()
time.sleep(0.3)
c.setvol(70)
th.join(10)
out['idle'] = got.get('idle')
# python-mpd2's blocking client has no noidle: send both lines on its connection and read the answer.
waiter._write_command('idle', ['player'])
time.sleep(0.3)
waiter._write_command('noidle')
out['noidle'] = waiter._read_line()
out['after_noidle'] = waiter.ping()
out['getvol'] = c.getvol()
c.setvol(100)

# Album art and embedded pictures: python-mpd2 reads every chunk.
c.binarylimit(4096)
art = c.albumart(with_cover)
out['albumart_md5'] = hashlib.md5(art['binary']).hexdigest()
out['albumart_len'] = len(art['binary'])
pic = c.readpicture(other)
out['readpicture_type'] = pic.get('type')
out['readpicture_md5'] = hashlib.md5(pic['binary']).hexdigest()
out['readpicture_none'] = c.readpicture(with_cover)
try:
    c.albumart('Beta Singer/Quiet Record/01 - Hush.flac')
except CommandError as e:
    out['albumart_missing'] = str(e)

# Stickers.
c.sticker_set('song', other, 'rating', '4')
c.sticker_set('song', other, 'playcount', '12')
out['sticker_get'] = c.sticker_get('song', other, 'rating')
out['sticker_list'] = c.sticker_list('song', other)
out['sticker_find'] = c.sticker_find('song', '', 'rating')
c.sticker_delete('song', other, 'rating')
try:
    c.sticker_get('song', other, 'rating')
except CommandError as e:
    out['sticker_deleted'] = str(e)
c.sticker_delete('song', other)

# Filter expressions, old-style pairs, sort and window, list/count with group.
out['find_expr'] = [s['file'] for s in c.find('(Artist == "Beta Singer")')]
out['search_expr'] = [s['title'] for s in c.search('(title contains "TUNE")')]
out['find_not'] = [s['file'] for s in c.find('((genre == "Pop") AND (!(title contains "Delta")))')]
out['find_regex'] = [s['title'] for s in c.find('(title =~ "^(Hush|Opening)$")')]
out['find_pairs'] = [s['title'] for s in c.find('artist', 'Alpha Band', 'title', 'Opening')]
out['search_sorted'] = [s['title'] for s in c.search('any', 'a', 'sort', '-title', 'window', '0:3')]
out['list_group'] = c.list('album', 'group', 'albumartist')
out['count_group'] = c.count('group', 'date')
out['modified_since'] = len(c.find('(modified-since "2000-01-01T00:00:00Z")'))
try:
    c.find('(Artist starts_with "Al")')
except CommandError as e:
    out['starts_with'] = str(e)

# Tag types: a client that clears them gets records without tags.
c.tagtypes('clear')
c.tagtypes('enable', 'Title')
out['tagtypes'] = c.tagtypes()
out['masked_record'] = sorted(c.find('(Artist == "Gamma")')[0].keys())
c.tagtypes('all')

# Queue by id: addid with position, prioid, plchangesposid, moveid, deleteid.
version = int(c.status()['playlist'])
new_id = c.addid(other, 0)
c.prioid(7, new_id)
out['prio'] = c.playlistid(new_id)[0].get('prio')
out['plchangesposid_has_new'] = any(x['id'] == new_id for x in c.plchangesposid(version))
c.moveid(new_id, 2)
out['moved_pos'] = c.playlistid(new_id)[0]['pos']
c.deleteid(new_id)
out['commands_has_albumart'] = 'albumart' in c.commands()
out['decoders_has_flac'] = any(d.get('plugin') == 'flac' for d in c.decoders())
c.clear()
c.close()
waiter.close()
print(json.dumps(out))
