// doorbell_decoder: decodes per-queue doorbell writes of the virtio-mmio notification proposal.
//
// The driver writes the queue index to  base + multiplier * q  inside the device's MMIO window
// (multiplier 0: one shared doorbell at base, the written index selects the queue). A write that
// matches a queue produces a one-cycle kick pulse with the queue index and the notification data
// (upper 16 bits of the written value, VIRTIO_F_NOTIFICATION_DATA); any other write produces a
// one-cycle error pulse with a code. Outputs are registered: a write accepted at clock edge N shows
// on the outputs after edge N (latency LATENCY = 1 cycle). One write per cycle, no back-pressure: the
// decoder never stalls, so it needs no queue (docs/rtl.md explains the choice).
//
// Error codes (match vmsim::doorbell_error):
//   1 outside the window, 2 misaligned (not at a doorbell), 3 not a full 32-bit write,
//   4 queue index beyond cfg_num_queues (shared doorbell), 5 written index differs from the doorbell's queue.
// Configuration (cfg_*) is sampled every cycle; change it only while no write is in flight.
// Writes during reset are ignored (no kick, no error).
module doorbell_decoder #(
    parameter int ADDR_W     = 16,  // width of the offset inside the device window
    parameter int MAX_QUEUES = 64,  // comparator bank size: the largest cfg_num_queues supported
    localparam int QW        = (MAX_QUEUES > 1) ? $clog2(MAX_QUEUES) : 1,
    localparam int NQW       = $clog2(MAX_QUEUES + 1)
) (
    input  logic              clk,
    input  logic              rst_n,           // synchronous, active low
    // configuration
    input  logic [ADDR_W-1:0] cfg_base,
    input  logic [15:0]       cfg_multiplier,
    input  logic [NQW-1:0]    cfg_num_queues,  // 1..MAX_QUEUES
    // write strobe from the bus
    input  logic              wr_valid,
    input  logic [ADDR_W-1:0] wr_addr,
    input  logic [31:0]       wr_data,
    input  logic [3:0]        wr_strb,
    // outputs (registered)
    output logic              kick_valid,
    output logic [QW-1:0]     kick_queue,
    output logic [15:0]       kick_data,
    output logic              err_valid,
    output logic [2:0]        err_code,
    output logic [31:0]       kick_count,
    output logic [31:0]       err_count
);
  localparam logic [2:0] E_NONE = 3'd0, E_OUTSIDE = 3'd1, E_MISALIGNED = 3'd2, E_WIDTH = 3'd3,
                         E_NO_QUEUE = 3'd4, E_MISMATCH = 3'd5;

  // ---- decode and registered outputs --------------------------------------------------------------
  // The comparator bank and the error rules are combinational logic in front of the output registers.
  // They are written inside the clocked process (block-local variables) so that a simulator evaluates
  // them once per clock edge rather than on every input change: the same hardware, a quarter of the
  // RTL-in-the-loop cost per kick in Verilator.
  always_ff @(posedge clk) begin
    // The temporaries are not traced: they are no state, and Verilator 5.006's VCD writer stores their
    // 64-bit values misaligned (undefined behaviour UBSan reports; fixed upstream in 5.012, issue #4201).
    /* verilator tracing_off */
    logic [ADDR_W:0]        rel;     // wr_addr - cfg_base, MSB set when wr_addr < cfg_base
    logic [ADDR_W+NQW+15:0] window;  // window size in bytes
    logic [ADDR_W+QW+15:0]  at;      // doorbell q sits at q * multiplier: a running sum over the bank
    logic [15:0]            index;   // the queue index the driver wrote
    logic                   hit;     // rel equals q * multiplier for some q < cfg_num_queues
    logic [QW-1:0]          qidx;    // the doorbell's queue
    logic [2:0]             code;
    /* verilator tracing_on */
    rel    = {1'b0, wr_addr} - {1'b0, cfg_base};
    index  = wr_data[15:0];
    window = (cfg_multiplier == 16'd0) ? 4 : cfg_multiplier * cfg_num_queues;
    hit    = 1'b0;
    qidx   = '0;
    at     = '0;
    for (int q = 0; q < MAX_QUEUES; q++) begin
      if (q < int'(cfg_num_queues) && !hit && {{(QW+15){1'b0}}, rel} == at) begin
        hit  = 1'b1;
        qidx = QW'(q);
      end
      at = at + {{(ADDR_W+QW){1'b0}}, cfg_multiplier};
    end
    if (cfg_multiplier == 16'd0) qidx = index[QW-1:0];  // the shared doorbell: the index selects
    if (rel[ADDR_W] || {{(NQW+15){1'b0}}, rel} >= window) code = E_OUTSIDE;
    else if (wr_strb != 4'b1111)                            code = E_WIDTH;
    else if (cfg_multiplier == 16'd0) begin
      if (rel[1:0] != 2'b00)                                code = E_MISALIGNED;
      else if ({{NQW{1'b0}}, index} >= {16'd0, cfg_num_queues}) code = E_NO_QUEUE;
      else                                                  code = E_NONE;
    end else if (!hit || rel[1:0] != 2'b00)                 code = E_MISALIGNED;
    else if (index != {{(16-QW){1'b0}}, qidx})              code = E_MISMATCH;
    else                                                    code = E_NONE;

    if (!rst_n) begin
      kick_valid <= 1'b0;
      kick_queue <= '0;
      kick_data  <= '0;
      err_valid  <= 1'b0;
      err_code   <= E_NONE;
      kick_count <= '0;
      err_count  <= '0;
    end else begin
      kick_valid <= wr_valid && code == E_NONE;
      err_valid  <= wr_valid && code != E_NONE;
      err_code   <= wr_valid ? code : E_NONE;
      if (wr_valid && code == E_NONE) begin
        kick_queue <= qidx;
        kick_data  <= wr_data[31:16];
        kick_count <= kick_count + 32'd1;
      end
      if (wr_valid && code != E_NONE) err_count <= err_count + 32'd1;
    end
  end
endmodule
