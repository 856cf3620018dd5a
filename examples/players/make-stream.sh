#!/usr/bin/env bash
# Regenerates the examples' HLS test stream (stream/): 6 s of ffmpeg's test pattern with a running clock, H.264
# baseline 320x180 in fragmented MP4, three 2 s segments. Run by hand once (needs ffmpeg); CI and the tests only use
# the committed files. Check the codec in the browser you target:
#   MediaSource.isTypeSupported('video/mp4; codecs="avc1.42E01E"')
set -euo pipefail
cd "$(dirname "$0")"
rm -rf stream && mkdir stream
ffmpeg -hide_banner -loglevel error -f lavfi -i 'testsrc2=size=320x180:rate=25' -t 6 \
  -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p -b:v 200k -maxrate 250k -bufsize 500k \
  -g 50 -keyint_min 50 -sc_threshold 0 -bitexact -map_metadata -1 \
  -f hls -hls_time 2 -hls_playlist_type vod -hls_segment_type fmp4 \
  -hls_fmp4_init_filename init.mp4 -hls_segment_filename 'stream/segment-%d.m4s' stream/video.m3u8
# The multivariant playlist players open: it names the codec, so a player can check it before loading a segment.
cat > stream/index.m3u8 <<'M3U8'
#EXTM3U
#EXT-X-VERSION:7
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=250000,AVERAGE-BANDWIDTH=200000,CODECS="avc1.42c01e",RESOLUTION=320x180,FRAME-RATE=25.000
video.m3u8
M3U8
du -sh stream
